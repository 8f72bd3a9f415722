/**
 * `createFlash()`: validates the configuration once, at start-up, and opens one jar per request.
 */
import { FlashError } from "./errors.js";
import { type FlashEvent, FlashJar, type JarSettings } from "./jar.js";
import type {
  DropReason,
  FlashLogger,
  FlashMap,
  FlashRequest,
  FlashStore,
  RegisteredFlashes,
  StoredFlash,
} from "./types.js";

/** Options of {@link createFlash} and of every adapter's middleware factory. */
export interface FlashOptions {
  /**
   * Where pending messages live: `cookieStore()`, `memoryStore()`, or a store of your own.
   * (Adapters make a cookie store when none is given.)
   */
  store: FlashStore;
  /**
   * The most messages one client may have pending. Past it the oldest are dropped and reported
   * to `onDrop`.
   * @default 50
   */
  maxMessages?: number;
  /**
   * Called for every `flash()` and `now()`, as Flask's `message_flashed` signal.
   * @example onFlash: ({ category, message }) => metrics.count(`flash.${category}`)
   */
  onFlash?: (event: FlashEvent) => void;
  /**
   * Called with the messages a limit dropped (oldest first) and which limit it was. Without it,
   * flashkit warns through `logger`.
   */
  onDrop?: (dropped: readonly StoredFlash[], reason: DropReason) => void;
  /**
   * Where debug notes (a forged or broken cookie) and warnings go.
   * @default { debug: () => {}, warn: console.warn }
   */
  logger?: FlashLogger;
  /**
   * Whether a read on a side request consumes messages, as in Flask and connect-flash. Side requests
   * are HEAD, OPTIONS (a CORS preflight), prefetches and prerenders (`Sec-Purpose`, `Purpose`, Turbo's
   * `X-Sec-Purpose`), and subresource loads (`Sec-Fetch-Dest: image`, `script`, `style`, `font`, ...):
   * by default their reads return what `peek()` would and the request removes no stored message, so a
   * page prefetched and never visited, or a HEAD from a link checker, does not eat the message meant
   * for the page. What such a request flashes is stored as on any other.
   * @default false
   * @example consumeOnSideRequests: true // Flask's behaviour: every read consumes
   */
  consumeOnSideRequests?: boolean;
}

/**
 * A configured flashkit instance: one per app. Adapters call `open()` for each request.
 */
export interface Flash<M extends FlashMap = RegisteredFlashes> {
  /** The store this instance commits to. */
  readonly store: FlashStore;
  /** Opens the jar of one request. */
  open(request: FlashRequest): FlashJar<M>;
}

/** The default logger: silent at debug level, `console.warn` for warnings. */
export const defaultLogger: FlashLogger = {
  debug() {},
  warn(message) {
    console.warn(message);
  },
};

/**
 * Creates a flashkit instance, checking the configuration now so that a mistake fails at start-up.
 *
 * @typeParam M - maps each category to its message type.
 * @throws {FlashError} `ERR_FLASH_CONFIG` when the configuration cannot work.
 * @example
 * const flash = createFlash<{ success: string; error: string }>({
 *   store: cookieStore({ secret: process.env.FLASH_SECRET }),
 * });
 * const jar = flash.open(request);
 * jar.flash("Saved", "success");
 */
export function createFlash<M extends FlashMap = RegisteredFlashes>(options: FlashOptions): Flash<M> {
  const logger = options.logger ?? defaultLogger;
  const maxMessages = options.maxMessages ?? 50;
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    throw new FlashError("ERR_FLASH_CONFIG", `maxMessages must be a whole number of at least 1, got ${maxMessages}`);
  }
  const store = options?.store;
  if (!store || typeof store.load !== "function" || typeof store.commit !== "function") {
    throw new FlashError("ERR_FLASH_CONFIG", "createFlash needs a `store`, such as cookieStore({ secret })");
  }
  const settings: JarSettings = {
    store,
    maxMessages,
    logger,
    onFlash: options.onFlash,
    onDrop: options.onDrop,
    consumeOnSideRequests: options.consumeOnSideRequests === true,
  };
  return {
    store,
    open: (request) => new FlashJar<M>(settings, request),
  };
}

/** Whether `value` is a flashkit instance rather than options. */
export function isFlash(value: unknown): value is Flash<FlashMap> {
  return typeof value === "object" && value !== null && typeof (value as Flash).open === "function";
}
