/**
 * The shapes shared by the core, the stores and the adapters.
 */

/**
 * Maps each category to the type of message it carries.
 *
 * @example
 * type AppFlashes = { success: string; error: string; toast: { title: string } };
 */
export type FlashMap = Record<string, unknown>;

/** The map used when an app declares none: any string category, any JSON message. */
export type AnyFlashes = Record<string, unknown>;

/**
 * Augment this interface to type `req.flash()` and friends in every adapter at once.
 *
 * @example
 * declare module "flashkit" {
 *   interface Register { flashes: { success: string; error: string } }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the app through declaration merging
export interface Register {}

/** The app's registered {@link FlashMap}, or {@link AnyFlashes} when it registered none. */
export type RegisteredFlashes = Register extends { flashes: infer M extends FlashMap } ? M : AnyFlashes;

/**
 * The messages `flash()` accepts without a category (Flask's one-argument form, category `"message"`):
 * the map's `message` type. A map without `message` gets a string no message matches, so the compile
 * error quotes it and says what to do (spelled out here, not behind an alias, which the error would
 * show instead).
 */
export type DefaultCategoryMessage<M extends FlashMap> = "message" extends keyof M
  ? M["message"]
  : "flashkit: your flashes have no `message` category; call flash(message, category), or register `message: string`" & {
      readonly "flashkit.missingMessageCategory": true;
    };

/** A category name of `M`. */
export type CategoryOf<M extends FlashMap> = keyof M & string;

/** A `[category, message]` pair, as Flask's `get_flashed_messages(with_categories=True)` returns. */
export type FlashPair<M extends FlashMap, C extends CategoryOf<M> = CategoryOf<M>> = {
  [K in C]: [K, M[K]];
}[C];

/** Options of `getFlashedMessages()` and `peek()`, Flask's two keyword arguments. */
export interface GetFlashedMessagesOptions<C extends string = string> {
  /**
   * Return `[category, message]` pairs instead of bare messages.
   * @default false
   */
  withCategories?: boolean;
  /**
   * Return only these categories. It filters what is returned, not what is consumed: the first
   * read of a request consumes every pending message. An empty list means no filter.
   * @default []
   */
  categoryFilter?: readonly C[];
}

/**
 * One pending message as a store keeps it. `id` orders messages (oldest first, compared as strings)
 * and names the message in a delta; `json` is `JSON.stringify([category, message])`, made once at
 * `flash()` so stores never serialise again.
 */
export interface StoredFlash {
  readonly id: string;
  readonly category: string;
  readonly message: unknown;
  readonly json: string;
}

/** What one request changes: the messages it consumed and the messages it flashed for later. */
export interface FlashDelta {
  readonly remove: readonly StoredFlash[];
  readonly add: readonly StoredFlash[];
}

/** Attributes of a `Set-Cookie` header. */
export interface CookieAttributes {
  /** Seconds until the cookie expires; `0` deletes it; absent makes a browser-session cookie. */
  maxAge?: number;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "Strict" | "Lax" | "None";
  partitioned?: boolean;
  /**
   * Chrome's eviction priority (other browsers ignore it): past 180 cookies per domain Chrome evicts
   * `Low` cookies before the others.
   */
  priority?: "Low" | "Medium" | "High";
}

/**
 * The framework-neutral view of one request that stores work on. Adapters build it.
 */
export interface FlashRequest {
  /** The raw `Cookie` request header, if any. */
  readonly cookieHeader: string | undefined;
  /** Appends one `Set-Cookie` header (already serialised) to the response. */
  appendSetCookie(header: string): void;
  /** The app's session object, for the session store. */
  readonly session?: Record<string, unknown> | undefined;
  /**
   * Whether this is a side request (HEAD, OPTIONS, a prefetch, an image or script load: see
   * `isSideRequest()`), whose reads consume nothing. Read only at commit, and only when the request
   * would remove a stored message, so an adapter can compute it in a getter.
   * @default false
   */
  readonly sideRequest?: boolean;
}

/**
 * The contract every store meets (compare unstorage's drivers): read what is pending, apply a delta.
 * A store never rewrites the whole list, so overlapping requests cannot erase each other's messages.
 */
export interface FlashStore {
  /** A short name for logs and errors, such as `"cookie"`. */
  readonly name: string;
  /**
   * The messages pending for this request's client, oldest first. Bad client input (a forged,
   * truncated or undecodable cookie) yields no message, never an exception.
   */
  load(request: FlashRequest): readonly StoredFlash[] | Promise<readonly StoredFlash[]>;
  /**
   * Applies one request's delta atomically. A store should append its cookies before `commit`
   * returns, so that they reach even a response that is already streaming; a returned promise
   * covers writes to a backend (and, on Web Crypto, signing), and adapters await it before the
   * response goes out.
   */
  commit(request: FlashRequest, delta: FlashDelta): void | Promise<void>;
  /**
   * The client-side bytes one message costs, checked at `flash()`: throw a `FlashError`
   * (`ERR_FLASH_MESSAGE_TOO_LARGE`) when the message can never be stored.
   */
  measure(entry: StoredFlash): number;
  /**
   * The most client-side bytes one request may leave pending for its client: what it kept of what
   * it loaded plus what it added. A request that loads more drops the oldest, even a quiet one.
   */
  readonly maxBytes: number;
  /**
   * The most client-side bytes one request may add; a larger message throws at `flash()`. With it,
   * `k` overlapping requests leave at most `maxBytes + (k - 1) * maxAddedBytes`.
   * @default maxBytes
   */
  readonly maxAddedBytes?: number;
  /**
   * Whether the store keeps messages in the app's session (`FlashRequest.session`): adapters then
   * load it after the session middleware, and refuse it at start-up where there is none.
   * @default false
   */
  readonly usesSession?: boolean;
  /**
   * Optional: throws a `FlashError` (`ERR_FLASH_STORE_UNAVAILABLE`) when the store knows its backend
   * cannot take a write now (say, Redis is unreachable). `flash()` calls it, so the app learns at the
   * call, where it can still tell the user, instead of losing the message at commit.
   */
  assertAvailable?(): void;
}

/** HMAC signing behind the `#signing` import: synchronous on Node, promise-based on Web Crypto. */
export interface Signer {
  /** Whether `sign` and `verify` return plain values (`true`) or promises. */
  readonly sync: boolean;
  /** The base64url HMAC-SHA256 tag of `data` under the first secret. */
  sign(data: string): string | Promise<string>;
  /** Whether `mac` is the tag of `data` under any configured secret, compared in constant time. */
  verify(data: string, mac: string): boolean | Promise<boolean>;
}

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** Whether a {@link MaybePromise} (a store's or a signer's answer) is the promise. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === "function";
}

/** Where flashkit reports what it does not throw. Defaults to `console` for warnings, silence for debug. */
export interface FlashLogger {
  debug(message: string): void;
  warn(message: string): void;
}

/**
 * Why messages were dropped: too many (or too many bytes) pending, or added by one request.
 */
export type DropReason = "maxMessages" | "maxBytes" | "maxAddedMessages" | "maxAddedBytes";
