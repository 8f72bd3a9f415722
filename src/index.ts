/**
 * flashkit: Flask-exact flash messages for TypeScript servers. The core: `createFlash()`, the
 * stores, the types and `FlashError`. Adapters live at `flashkit/express` and friends.
 */

export { COOKIE_MAX_BYTES, readPrefixedCookies, serializeSetCookie } from "./core/cookies.js";
export { createFlash, defaultLogger, type Flash, type FlashOptions } from "./core/create-flash.js";
export { FlashError, type FlashErrorCode } from "./core/errors.js";
export { DEFAULT_CATEGORY, type FlashEvent, FlashJar } from "./core/jar.js";
export {
  type FlashFunction,
  type FlashTemplateFunctions,
  flashFunction,
  flaskArguments,
  templateFunctions,
} from "./core/request-api.js";
export { headerOfFetch, headerOfRecord, isSideRequest, SIDE_REQUEST_DESTINATIONS } from "./core/side-requests.js";
export type {
  AnyFlashes,
  CategoryOf,
  CookieAttributes,
  DefaultCategoryMessage,
  DropReason,
  FlashDelta,
  FlashLogger,
  FlashMap,
  FlashPair,
  FlashRequest,
  FlashStore,
  GetFlashedMessagesOptions,
  MaybePromise,
  Register,
  RegisteredFlashes,
  StoredFlash,
} from "./core/types.js";
export { type CookieStoreOptions, cookieStore } from "./stores/cookie.js";
export { type MemoryStore, type MemoryStoreOptions, memoryStore } from "./stores/memory.js";
export { type SessionStoreOptions, sessionStore } from "./stores/session.js";
export { type FlashSecret, type MessageCookieOptions, MIN_SECRET_BYTES } from "./stores/shared.js";
