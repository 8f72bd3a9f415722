/**
 * The codes a {@link FlashError} can carry.
 *
 * - `ERR_FLASH_MESSAGE_TOO_LARGE`: a message does not fit in what the store can hold for one message
 *   (a cookie is limited to 4096 bytes); thrown by `flash()`, where the developer sees it.
 * - `ERR_FLASH_HEADERS_SENT`: `flash()` was called after the response headers went out, too late to store it.
 * - `ERR_FLASH_CONFIG`: the configuration cannot work (no secret, a short secret, a bad option); thrown at start-up.
 * - `ERR_FLASH_STORE_UNAVAILABLE`: the store's backend cannot be reached (connection down, no answer in time).
 * - `ERR_FLASH_STORE_FULL`: the store's backend answered that it is out of memory (Redis's `OOM` reply under
 *   `maxmemory` with `noeviction`): nothing was stored.
 * - `ERR_FLASH_STORE_REJECTED`: the store's backend answered the write with another error (a `READONLY`
 *   replica, an ACL refusal, ...): nothing was stored.
 * - `ERR_FLASH_ALREADY_SAVED`: `flash()` was called after `flash.save()` had saved this request's messages.
 * - `ERR_FLASH_NOT_INSTALLED`: the middleware was not installed before a handler used flash.
 */
export type FlashErrorCode =
  | "ERR_FLASH_MESSAGE_TOO_LARGE"
  | "ERR_FLASH_HEADERS_SENT"
  | "ERR_FLASH_CONFIG"
  | "ERR_FLASH_STORE_UNAVAILABLE"
  | "ERR_FLASH_STORE_FULL"
  | "ERR_FLASH_STORE_REJECTED"
  | "ERR_FLASH_ALREADY_SAVED"
  | "ERR_FLASH_NOT_INSTALLED";

/**
 * The one error class flashkit throws for a problem the developer must fix.
 * A bad cookie from a client is never an error: it reads as "no message".
 *
 * @example
 * try { req.flash(hugeText) } catch (e) {
 *   if (e instanceof FlashError && e.code === "ERR_FLASH_MESSAGE_TOO_LARGE") ...
 * }
 */
export class FlashError extends Error {
  /** What went wrong, as a stable string to branch on. */
  readonly code: FlashErrorCode;

  constructor(code: FlashErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FlashError";
    this.code = code;
  }
}
