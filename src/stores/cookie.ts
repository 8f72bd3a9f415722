/**
 * The default store: one signed cookie per message, so a request's delta is "expire the cookies of
 * the messages it consumed, set one for each message it flashed". Two overlapping requests touch
 * different cookies and cannot erase each other's messages; no server state is needed.
 *
 * A cookie is `prefix + id = base64url(JSON [category, message]) "." base64url(HMAC-SHA256)`, the MAC
 * taken over `name=payload` so a value cannot be moved to another cookie name.
 */
import { createSigner, decodeBase64Url, encodeBase64Url, randomHex, utf8Length } from "#signing";
import {
  COOKIE_MAX_BYTES,
  DEFAULT_MESSAGE_MAX_AGE,
  type MessageCookieOptions,
  readPrefixedCookies,
  resolveMessageCookies,
} from "../core/cookies.js";
import { FlashError } from "../core/errors.js";
import { flashIdTime, isFlashId } from "../core/ids.js";
import { byId, isPromise } from "../core/jar.js";
import type { FlashDelta, FlashLogger, FlashRequest, FlashStore, MaybePromise, StoredFlash } from "../core/types.js";

/** The shortest secret accepted, in bytes (the HMAC-SHA256 block is 64; 32 random bytes is 256 bits). */
export const MIN_SECRET_BYTES = 32;
/** Characters of an unpadded base64url HMAC-SHA256 tag. */
const MAC_CHARS = 43;
/**
 * Cookies read from one header at most: past this a client is sending junk. It is above what
 * `maxMessages + (k - 1) * maxAddedMessages` reaches at 100 overlapping requests with the defaults, so
 * the next request sees (and trims) every cookie such a burst left.
 */
const MAX_COOKIES_READ = 1000;
/** The smallest `maxAddedBytes` accepted: a cookie of a short message (`prefix + id = payload.mac`). */
const MIN_ADDED_BYTES = 128;

/**
 * A signing secret: text, whose UTF-8 bytes are the key, or the key's bytes themselves (a `Buffer`
 * or `Uint8Array`, such as `crypto.randomBytes(32)`). At least 32 bytes either way.
 * @example secret: process.env.FLASH_SECRET // e.g. the output of `openssl rand -base64 32`
 */
export type FlashSecret = string | Uint8Array;

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
  // A Max-Age by default, so that cookies left by a burst past every limit expire on their own.
  const cookies = resolveMessageCookies({ ...options, maxAge: options.maxAge ?? DEFAULT_MESSAGE_MAX_AGE });
  const logger = options.logger ?? { debug() {}, warn: (message: string) => console.warn(message) };
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
    logger.debug(`flashkit: ignored cookie ${printable(name.slice(0, 64))}: ${why}`);
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
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== "string") {
      return reject(name, "payload is not [category, message]");
    }
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
    if (cookies.maxAge !== undefined && flashIdTime(id) + cookies.maxAge * 1000 < Date.now()) {
      return rejected(name, "expired");
    }
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

/**
 * `text` with every character outside printable ASCII written as `\uXXXX`, so that a cookie name
 * from a hostile client cannot put control sequences or fake lines into a log.
 *
 * @example
 * printable("flash.\u001b[2J"); // "flash.\\u001b[2J"
 */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
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

/**
 * The secrets to sign with, checked. Without one outside production a random secret is made,
 * with a warning; in production that is a start-up error. Anything but a string or bytes of at
 * least 32 bytes, or a non-empty list of them, is a start-up error that says what to set.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG`
 */
export function resolveSecrets(
  secret: FlashSecret | readonly FlashSecret[] | undefined,
  logger: FlashLogger,
): FlashSecret[] {
  if (secret === undefined) {
    if (globalThis.process?.env?.NODE_ENV === "production") {
      throw new FlashError(
        "ERR_FLASH_CONFIG",
        "flashkit needs a secret in production: set `secret` (for example from a FLASH_SECRET environment " +
          `variable holding at least 32 random bytes, such as the output of \`${MAKE_SECRET}\`)`,
      );
    }
    logger.warn(
      "flashkit: no secret given, so a random one was made for this process: pending messages will not " +
        "survive a restart or reach another instance. Set `secret` (e.g. from FLASH_SECRET).",
    );
    return [randomHex(32)];
  }
  if (!Array.isArray(secret)) return [checkedSecret(secret, "")];
  if (secret.length === 0) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "flashkit `secret` is an empty list: give at least one secret, newest first (for example " +
        `\`secret: [process.env.FLASH_SECRET]\` with FLASH_SECRET holding the output of \`${MAKE_SECRET}\`)`,
    );
  }
  return secret.map((value: unknown, index) => checkedSecret(value, index === 0 ? "" : `#${index + 1} `));
}

const MAKE_SECRET = "openssl rand -base64 32";

/** `value` if it is a string or bytes of at least {@link MIN_SECRET_BYTES} bytes; else a start-up error naming it `which`. */
function checkedSecret(value: unknown, which: string): FlashSecret {
  const bytes = typeof value === "string" ? utf8Length(value) : value instanceof Uint8Array ? value.byteLength : -1;
  if (bytes === -1) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `flashkit secret ${which}must be a string or bytes (a Buffer or Uint8Array) of at least ${MIN_SECRET_BYTES} ` +
        `bytes, got ${kindOf(value)}: set \`secret\` to at least 32 random bytes (for example from a FLASH_SECRET ` +
        `environment variable holding the output of \`${MAKE_SECRET}\`)`,
    );
  }
  if (bytes < MIN_SECRET_BYTES) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `flashkit secret ${which}is shorter than ${MIN_SECRET_BYTES} bytes: set ` +
        `\`secret\` to at least 32 random bytes (for example \`${MAKE_SECRET}\`)`,
    );
  }
  return value as FlashSecret;
}

/** What `value` is, for an error message: `null`, `undefined`, `a number`, `an object`, ... */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const type = Array.isArray(value) ? "array" : typeof value;
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}
