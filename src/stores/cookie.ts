/**
 * The default store: one signed cookie per message, so a request's delta is "expire the cookies of
 * the messages it consumed, set one for each message it flashed". Two overlapping requests touch
 * different cookies and cannot erase each other's messages; no server state is needed.
 *
 * A cookie is `prefix + id = base64url(JSON [category, message]) "." base64url(HMAC-SHA256)`, the MAC
 * taken over `name=payload` so a value cannot be moved to another cookie name.
 */
import { createSigner, decodeBase64Url, encodeBase64Url, utf8Length } from "#signing";
import { COOKIE_MAX_BYTES, readPrefixedCookies } from "../core/cookies.js";
import { defaultLogger } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import { byId, flashIdTime, isFlashId } from "../core/ids.js";
import type { FlashDelta, FlashLogger, FlashRequest, FlashStore, MaybePromise, StoredFlash } from "../core/types.js";
import { isPromise } from "../core/types.js";
import {
  type FlashSecret,
  isFlashPair,
  logIgnoredCookie,
  MAC_CHARS,
  type MessageCookieOptions,
  resolveMessageCookies,
  resolveSecrets,
} from "./shared.js";

/**
 * Cookies read from one header at most: past this a client is sending junk. It is above what
 * `maxMessages + (k - 1) * maxAddedMessages` reaches at 100 overlapping requests with the defaults, so
 * the next request sees (and trims) every cookie such a burst left.
 */
const MAX_COOKIES_READ = 1000;
/** The smallest `maxAddedBytes` accepted: a cookie of a short message (`prefix + id = payload.mac`). */
const MIN_ADDED_BYTES = 128;

/** Options of {@link cookieStore}. */
export interface CookieStoreOptions extends MessageCookieOptions {
  /**
   * The signing secret, or a list of them, newest first: the first signs, all verify, so a secret
   * can be rotated without losing pending messages. Each a string or bytes (`Buffer`,
   * `Uint8Array`) of at least 32 bytes. Required when `NODE_ENV` is `production`; elsewhere, when
   * absent, a random secret is made with a warning. An empty list is an error.
   * @example secret: [process.env.FLASH_SECRET, process.env.FLASH_SECRET_OLD]
   */
  secret?: FlashSecret | readonly FlashSecret[] | undefined;
  /**
   * The most bytes of flash cookies one request may leave in its client's `Cookie` header: what it
   * kept of what it was sent plus what it added. Past it the oldest messages are dropped (and
   * reported), even by a request that neither flashed nor read, so the first request after a burst
   * of overlapping ones brings the browser back under it. With `maxAddedBytes`, `k` overlapping
   * requests leave at most `maxBytes + (k - 1) * maxAddedBytes`: 6144 bytes at 6 (a browser's HTTP/1.1
   * connections per host) with the defaults, so the whole header stays under the 8 KiB of common
   * proxies with 2 KiB left for the app's own cookies.
   * @default 2304
   */
  maxBytes?: number;
  /**
   * The most bytes of flash cookies one request may add. It is also the largest message: `flash()`
   * throws `ERR_FLASH_MESSAGE_TOO_LARGE` for a message whose cookie would take more (with the
   * default, about 500 ASCII characters). Raising it lets `k` overlapping requests grow the header by
   * more: keep `maxBytes + 5 * maxAddedBytes` under what your proxies accept.
   * @default 768 (or `maxBytes` when that is lower)
   * @example maxAddedBytes: 1024, maxBytes: 1024 // 6 KiB at 6 overlapping requests, 700-character messages
   */
  maxAddedBytes?: number;
  /**
   * Seconds a pending message lives: every flash cookie carries it as `Max-Age`, and the store
   * ignores a message flashed longer ago (its id carries the time). Ten minutes covers a redirect
   * through a login or payment page and a slow reader, and bounds how long cookies that a burst of
   * overlapping requests left past every limit can lock a browser out.
   * @default 600
   */
  maxAge?: number;
  /** Where a rejected cookie (debug) and the random-secret warning go. @default console.warn for warnings */
  logger?: FlashLogger | undefined;
}

/**
 * Creates the signed-cookie store.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` for a missing secret in production, a short secret, or a bad cookie option.
 * @example
 * app.use(flash({ store: cookieStore({ secret: process.env.FLASH_SECRET, secure: true }) }));
 */
export function cookieStore(options: CookieStoreOptions = {}): FlashStore {
  const cookies = resolveMessageCookies(options);
  const logger = options.logger ?? defaultLogger;
  const signer = createSigner(resolveSecrets(options.secret, logger));
  const maxBytes = options.maxBytes ?? 2304;
  if (!(Number.isInteger(maxBytes) && maxBytes >= MIN_ADDED_BYTES)) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `maxBytes must be a whole number of at least ${MIN_ADDED_BYTES}, got ${maxBytes}: set maxBytes to the bytes ` +
        "of flash cookies one request may leave in the Cookie header (default 2304)",
    );
  }
  const maxAddedBytes = options.maxAddedBytes ?? Math.min(768, maxBytes);
  if (!(Number.isInteger(maxAddedBytes) && maxAddedBytes >= MIN_ADDED_BYTES)) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `maxAddedBytes must be a whole number of at least ${MIN_ADDED_BYTES}, got ${maxAddedBytes}: set maxAddedBytes ` +
        "to the bytes of flash cookies one request may add (default 768)",
    );
  }
  if (!(Number.isInteger(maxBytes) && maxBytes >= maxAddedBytes)) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `maxBytes must be a whole number of at least maxAddedBytes (${maxAddedBytes}), got ${maxBytes}: raise maxBytes ` +
        "or lower maxAddedBytes",
    );
  }
  const { prefix } = cookies;
  const nameBytes = prefix.length + 17;

  function reject(name: string, why: string): undefined {
    logIgnoredCookie(logger, name, why);
    return undefined;
  }

  function decode(name: string, payload: string): StoredFlash | undefined {
    const json = decodeBase64Url(payload);
    if (json === undefined) return reject(name, "payload is not base64url UTF-8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return reject(name, "payload is not JSON");
    }
    if (!isFlashPair(parsed)) return reject(name, "payload is not [category, message]");
    return { id: name.slice(prefix.length), category: parsed[0], message: parsed[1], json };
  }

  /**
   * Checks one cookie's name, size and age; returns the index of the "." between its payload and
   * its MAC, or -1 for a cookie to ignore.
   */
  function macDot(name: string, value: string): number {
    const id = name.slice(prefix.length);
    if (!isFlashId(id)) return rejected(name, "name is not prefix + id");
    if (name.length + 1 + value.length > COOKIE_MAX_BYTES) return rejected(name, "oversized");
    if (flashIdTime(id) + cookies.maxAge * 1000 < Date.now()) return rejected(name, "expired");
    const dot = value.lastIndexOf(".");
    if (dot === -1 || value.length - dot - 1 !== MAC_CHARS) return rejected(name, "no MAC");
    return dot;
  }

  function rejected(name: string, why: string): -1 {
    reject(name, why);
    return -1;
  }

  /** `load()` with an asynchronous signer (Web Crypto): every MAC checked at once. */
  function loadAsync(found: ReadonlyArray<[string, string]>): Promise<StoredFlash[]> {
    const checks: Array<Promise<StoredFlash | undefined>> = [];
    for (const [name, value] of found) {
      const dot = macDot(name, value);
      if (dot === -1) continue;
      const payload = value.slice(0, dot);
      const mac = value.slice(dot + 1);
      checks.push(
        Promise.resolve(signer.verify(`${name}=${payload}`, mac)).then((ok) =>
          ok ? decode(name, payload) : reject(name, "bad MAC"),
        ),
      );
    }
    return Promise.all(checks).then(collect);
  }

  return {
    name: "cookie",
    maxBytes,
    maxAddedBytes,

    load(request: FlashRequest): MaybePromise<readonly StoredFlash[]> {
      const header = request.cookieHeader;
      if (header === undefined || !header.includes(prefix)) return [];
      const found = readPrefixedCookies(header, prefix, MAX_COOKIES_READ);
      if (!signer.sync) return loadAsync(found);
      let messages: StoredFlash[] | undefined;
      for (const [name, value] of found) {
        // Of two cookies with one name (say, another Path) the first valid one counts: skip the MAC.
        if (messages !== undefined && holdsId(messages, name, prefix.length)) continue;
        const dot = macDot(name, value);
        if (dot === -1) continue;
        const payload = value.slice(0, dot);
        const entry = signer.verify(`${name}=${payload}`, value.slice(dot + 1))
          ? decode(name, payload)
          : reject(name, "bad MAC");
        if (!entry) continue;
        // Made with its first entry: `[]` grows to 17 slots on its first push.
        if (messages === undefined) messages = [entry];
        else messages.push(entry);
      }
      return messages === undefined ? [] : messages.length > 1 ? messages.sort(byId) : messages;
    },

    commit(request: FlashRequest, delta: FlashDelta): MaybePromise<void> {
      for (const entry of delta.remove) {
        request.appendSetCookie(cookies.deleteHeader(entry.id));
      }
      let pending: Promise<void>[] | undefined;
      for (const entry of delta.add) {
        const payload = encodeBase64Url(entry.json);
        const mac = signer.sign(`${prefix}${entry.id}=${payload}`);
        if (isPromise(mac)) {
          pending ??= [];
          pending.push(mac.then((tag) => request.appendSetCookie(cookies.setHeader(entry.id, `${payload}.${tag}`))));
        } else request.appendSetCookie(cookies.setHeader(entry.id, `${payload}.${mac}`));
      }
      if (pending) return Promise.all(pending).then(() => undefined);
    },

    measure(entry: StoredFlash): number {
      const payloadBytes = Math.ceil((utf8Length(entry.json) * 4) / 3);
      // name=payload.mac, plus the "; " that separates it from the next cookie in the header
      const bytes = nameBytes + 1 + payloadBytes + 1 + MAC_CHARS;
      if (bytes > COOKIE_MAX_BYTES) {
        throw new FlashError(
          "ERR_FLASH_MESSAGE_TOO_LARGE",
          `flash message too large for a cookie: it would take ${bytes} bytes, the limit is ` +
            `${COOKIE_MAX_BYTES} (about ${Math.floor(((COOKIE_MAX_BYTES - nameBytes - 2 - MAC_CHARS) * 3) / 4)} ` +
            "bytes of JSON); shorten it or use a server-side store",
        );
      }
      return bytes + 2;
    },
  };
}

/** Whether `messages` holds the message of the cookie `name` (its prefix `prefixLength` long). */
function holdsId(messages: readonly StoredFlash[], name: string, prefixLength: number): boolean {
  for (const entry of messages) {
    if (name.length === prefixLength + entry.id.length && name.endsWith(entry.id)) return true;
  }
  return false;
}

/** The valid messages, oldest first; of two cookies with one name (say, another Path) the first valid one. */
function collect(results: ReadonlyArray<StoredFlash | undefined>): StoredFlash[] {
  const messages: StoredFlash[] = [];
  const seen = new Set<string>();
  for (const entry of results) {
    if (!entry || seen.has(entry.id)) continue;
    seen.add(entry.id);
    messages.push(entry);
  }
  return messages.sort(byId);
}
