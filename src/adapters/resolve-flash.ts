/**
 * The one piece of set-up every adapter shares: an adapter takes either a `createFlash()` instance
 * or options, and picks the signed-cookie store when the options name no store.
 */
import { createFlash, defaultLogger, type Flash, type FlashOptions, isFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashMap, FlashStore } from "../core/types.js";
import { type CookieStoreOptions, cookieStore } from "../stores/cookie.js";

/** Options of every adapter's middleware factory. */
export interface AdapterOptions extends Omit<FlashOptions, "store"> {
  /**
   * Where pending messages live.
   * @default cookieStore({ secret, ...cookie })
   */
  store?: FlashStore;
  /**
   * The secret (or secrets, newest first) of the default cookie store: at least 32 bytes.
   * Required when `NODE_ENV` is `production`.
   * @example secret: process.env.FLASH_SECRET
   */
  secret?: string | readonly string[];
  /** Cookie settings of the default cookie store (`secure`, `domain`, `sameSite`, `maxAge`, ...). */
  cookie?: Omit<CookieStoreOptions, "secret" | "logger">;
}

/**
 * Returns the flashkit instance an adapter works with.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` when the options cannot work.
 */
export function resolveFlash<M extends FlashMap>(options: AdapterOptions | Flash<M>): Flash<M> {
  if (isFlash(options)) return options as Flash<M>;
  const { store, secret, cookie, ...rest } = options as AdapterOptions;
  if (store && (secret !== undefined || cookie !== undefined)) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "`secret` and `cookie` configure the default cookie store: with your own `store`, pass them to that store",
    );
  }
  return createFlash<M>({
    ...rest,
    store: store ?? cookieStore({ ...cookie, secret, logger: rest.logger ?? defaultLogger }),
  });
}
