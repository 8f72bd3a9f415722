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
   * The most messages one request may leave pending for its client (what it kept plus what it
   * added). Past it the oldest are dropped and reported to `onDrop`, even by a request that neither
   * flashed nor read.
   * @default 20, or 50 with a store that keeps messages in the app's session (no cookie per message)
   */
  maxMessages?: number;
  /**
   * The most messages one request may add; past it the oldest it flashed are dropped and reported.
   * `k` overlapping requests of one browser leave at most `maxMessages + (k - 1) * maxAddedMessages`
   * (60 cookies at 6, the HTTP/1.1 connections of a browser; under Chrome's 180 per domain up to 20).
   * @default 8 (or `maxMessages` when that is lower); `maxMessages` with a store that keeps messages
   *   in the app's session, where the browser holds no cookie per message
   * @example maxAddedMessages: 3
   */
  maxAddedMessages?: number;
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
   * Whether a read on a side request consumes messages, as in Flask. Side requests are HEAD, OPTIONS
   * (a CORS preflight), prefetches and prerenders (`Sec-Purpose`, `Purpose`, Turbo's `X-Sec-Purpose`),
   * and subresource loads (`Sec-Fetch-Dest: image`, `script`, `style`, `font`, ...):
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
  const store = options?.store;
  if (!store || typeof store.load !== "function" || typeof store.commit !== "function") {
    throw new FlashError("ERR_FLASH_CONFIG", "createFlash needs a `store`, such as cookieStore({ secret })");
  }
  // The per-request caps bound the cookies a browser holds, one per message; a session holds none.
  const cookiePerMessage = store.usesSession !== true;
  const maxMessages = options.maxMessages ?? (cookiePerMessage ? 20 : 50);
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    throw new FlashError("ERR_FLASH_CONFIG", `maxMessages must be a whole number of at least 1, got ${maxMessages}`);
  }
  const maxAddedMessages = options.maxAddedMessages ?? (cookiePerMessage ? Math.min(8, maxMessages) : maxMessages);
  if (!Number.isInteger(maxAddedMessages) || maxAddedMessages < 1 || maxAddedMessages > maxMessages) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `maxAddedMessages must be a whole number from 1 to maxMessages (${maxMessages}), got ${maxAddedMessages}: ` +
        "lower maxAddedMessages or raise maxMessages",
    );
  }
  const settings: JarSettings = {
    store,
    maxMessages,
    maxAddedMessages,
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
