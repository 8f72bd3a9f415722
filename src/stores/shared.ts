/**
 * What the stores share (compare unstorage's `drivers/utils`): the settings of message cookies (the
 * cookie, memory and Redis stores keep one cookie per message), signing secrets, client ids, the check
 * of a stored `[category, message]` pair, and how a rejected cookie is logged. Stores import this
 * module, never one another.
 */
import { randomHex, utf8Length } from "#signing";
import { isCookieAttributeValue, isCookieName, serializeCookieAttributes } from "../core/cookies.js";
import { FlashError } from "../core/errors.js";
import type { CookieAttributes, FlashLogger } from "../core/types.js";

/** Cookie settings shared by the stores that keep one cookie per message. */
export interface MessageCookieOptions {
  /**
   * The start of every flash cookie's name; each message's cookie is `prefix + id`. A request whose
   * `Cookie` header does not contain it costs one substring check. Behind HTTPS, `"__Host-flash."`
   * (with `secure: true`, no `domain`, path `"/"`) stops sibling subdomains from setting cookies the
   * store would read (see SECURITY.md, "Cookie tossing").
   * @default "flash."
   * @example prefix: "__Host-flash.", secure: true
   */
  prefix?: string;
  /**
   * Send the cookies only over HTTPS. Turn it on in production behind HTTPS.
   * @default false
   */
  secure?: boolean;
  /** @default "/" */
  path?: string;
  /** The cookie's Domain attribute; absent means the exact host. */
  domain?: string;
  /** @default "Lax" */
  sameSite?: "Strict" | "Lax" | "None";
  /**
   * Seconds a pending message lives: every message cookie carries it as `Max-Age`. Ten minutes
   * covers a redirect through a login or payment page and a slow reader, and bounds how long
   * cookies that a burst of overlapping requests left past every limit can lock a browser out.
   * @default 600
   */
  maxAge?: number;
}

/** The default `maxAge` of message cookies, in seconds: ten minutes. */
export const DEFAULT_MESSAGE_MAX_AGE = 600;

/** The validated cookie settings of a per-message store. */
export interface MessageCookieSettings {
  readonly prefix: string;
  readonly attributes: CookieAttributes;
  /** Seconds a message cookie lives ({@link DEFAULT_MESSAGE_MAX_AGE} unless set). */
  readonly maxAge: number;
  /**
   * The `Set-Cookie` header of message `id` (a flash id) with `value`, from attributes serialised
   * once. Unchecked, unlike `serializeSetCookie`: the stores build `value` from base64url and hex
   * only, and the prefix was checked here.
   */
  setHeader(id: string, value: string): string;
  /** The `Set-Cookie` header that expires message `id`'s cookie. */
  deleteHeader(id: string): string;
}

/**
 * Validates per-message cookie options, failing at start-up with what to set. Every message cookie
 * carries a `Max-Age` (by default {@link DEFAULT_MESSAGE_MAX_AGE}), so that cookies a burst of
 * overlapping requests left past every limit expire on their own.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG`
 * @example
 * const cookies = resolveMessageCookies({ prefix: "__Host-flash.", secure: true });
 * request.appendSetCookie(cookies.setHeader(id, value));
 */
export function resolveMessageCookies(options: MessageCookieOptions): MessageCookieSettings {
  const prefix = options.prefix ?? "flash.";
  const fail = (message: string) => new FlashError("ERR_FLASH_CONFIG", message);
  if (!prefix || !isCookieName(prefix))
    throw fail(`cookie prefix must be a non-empty cookie-name token, got ${JSON.stringify(prefix)}`);
  const path = options.path ?? "/";
  if (!path.startsWith("/") || !isCookieAttributeValue(path))
    throw fail(`cookie path must start with "/", got ${JSON.stringify(path)}`);
  if (options.domain !== undefined && (!options.domain || !isCookieAttributeValue(options.domain))) {
    throw fail(`cookie domain is not valid: ${JSON.stringify(options.domain)}`);
  }
  const sameSite = options.sameSite ?? "Lax";
  if (!["Strict", "Lax", "None"].includes(sameSite))
    throw fail(`sameSite must be "Strict", "Lax" or "None", got ${JSON.stringify(sameSite)}`);
  if (sameSite === "None" && !options.secure)
    throw fail('sameSite "None" needs secure: true (browsers reject it otherwise)');
  // Browsers silently drop a prefixed cookie that breaks its prefix's rules (RFC 6265bis section
  // 4.1.3, matched case-insensitively): fail here instead of losing every message.
  const lowerPrefix = prefix.toLowerCase();
  if (lowerPrefix.startsWith("__host-") && (!options.secure || options.domain !== undefined || path !== "/")) {
    throw fail(
      `a "__Host-" cookie prefix needs secure: true, path "/" and no domain (browsers drop the cookies otherwise)`,
    );
  }
  if (lowerPrefix.startsWith("__secure-") && !options.secure) {
    throw fail(`a "__Secure-" cookie prefix needs secure: true (browsers drop the cookies otherwise)`);
  }
  const maxAge = options.maxAge ?? DEFAULT_MESSAGE_MAX_AGE;
  if (!(Number.isFinite(maxAge) && maxAge > 0))
    throw fail(`maxAge must be a positive number of seconds, got ${maxAge}`);
  const attributes: CookieAttributes = {
    path,
    ...(options.domain ? { domain: options.domain } : {}),
    httpOnly: true,
    secure: options.secure ?? false,
    sameSite,
    maxAge,
    // Past 180 cookies per domain (a burst of many overlapping requests over HTTP/2), Chrome then
    // evicts message cookies before the app's own.
    priority: "Low",
  };
  const setSuffix = serializeCookieAttributes(attributes);
  const deleteSuffix = `=${serializeCookieAttributes({ ...attributes, maxAge: 0, priority: undefined })}`;
  return {
    prefix,
    attributes,
    maxAge,
    setHeader: (id, value) => `${prefix}${id}=${value}${setSuffix}`,
    deleteHeader: (id) => `${prefix}${id}${deleteSuffix}`,
  };
}

/** Characters of an unpadded base64url HMAC-SHA256 tag, as message cookies carry it. */
export const MAC_CHARS = 43;

/** Hex characters of a client id (the memory and Redis stores): 16 random bytes. */
export const CLIENT_ID_CHARS = 32;
const CLIENT_ID = /^[0-9a-f]{32}$/;

/** A new client id: 128 random bits, minted by the server so that a client cannot pick one. */
export function newClientId(): string {
  return randomHex(CLIENT_ID_CHARS / 2);
}

/** Whether `text` has the shape of a client id ({@link newClientId}). */
export function isClientId(text: string): boolean {
  return CLIENT_ID.test(text);
}

/**
 * Whether a stored value is a well-formed `[category, message]` pair, as Flask keeps a message
 * (and as `StoredFlash.json` holds it). Anything else a store reads is ignored, never an exception.
 *
 * @example
 * isFlashPair(JSON.parse('["success", "Saved"]')) // true
 */
export function isFlashPair(value: unknown): value is [string, unknown] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === "string";
}

/**
 * Logs at debug level that a cookie was ignored, and why: its name cut to 64 characters and made
 * {@link printable}, since it comes from the client.
 */
export function logIgnoredCookie(logger: FlashLogger, name: string, why: string): void {
  logger.debug(`flashkit: ignored cookie ${printable(name.slice(0, 64))}: ${why}`);
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

/** The shortest secret accepted, in bytes (the HMAC-SHA256 block is 64; 32 random bytes is 256 bits). */
export const MIN_SECRET_BYTES = 32;

/**
 * A signing secret: text, whose UTF-8 bytes are the key, or the key's bytes themselves (a `Buffer`
 * or `Uint8Array`, such as `crypto.randomBytes(32)`). At least 32 bytes either way.
 * @example secret: process.env.FLASH_SECRET // e.g. the output of `openssl rand -base64 32`
 */
export type FlashSecret = string | Uint8Array;

/**
 * The secrets to sign with, checked. Without one outside production a random secret is made,
 * with a warning; in production that is a start-up error. Anything but a string or bytes of at
 * least 32 bytes, or a non-empty list of them, is a start-up error that says what to set.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG`
 * @example
 * const signer = createSigner(resolveSecrets(options.secret, logger));
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
