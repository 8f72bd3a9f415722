/**
 * The two cookie operations flashkit needs, and nothing else (compare jshttp/cookie): pick the
 * cookies whose names start with a prefix out of a `Cookie` header, and serialise a `Set-Cookie`.
 */
import { FlashError } from "./errors.js";
import type { CookieAttributes } from "./types.js";

/**
 * The most bytes of `name=value` a browser keeps in one cookie (RFC 6265 section 6.1 asks for at
 * least 4096; Chrome and Firefox stop there).
 */
export const COOKIE_MAX_BYTES = 4096;

/** RFC 6265 section 4.1.1: a cookie-name is an RFC 2616 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6265 section 4.1.1: cookie-octets, without the optional surrounding DQUOTEs. */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
/** Path and Domain attribute values: any CHAR except CTLs and ";" (RFC 6265 section 4.1.1). */
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]*$/;

/**
 * The cookies of a `Cookie` header whose names start with `prefix`, as `[name, value]` pairs in
 * header order, at most `limit` of them. Values are returned raw (flashkit writes only cookie-octets,
 * so it never needs percent-decoding); a pair without `=` is skipped.
 *
 * @example
 * readPrefixedCookies("a=1; flash.x=2", "flash.", 100) // [["flash.x", "2"]]
 */
export function readPrefixedCookies(header: string, prefix: string, limit: number): Array<[string, string]> {
  let found: Array<[string, string]> | undefined;
  let count = 0;
  let start = header.indexOf(prefix);
  while (start !== -1 && count < limit) {
    // RFC 6265 section 5.4: pairs are separated by "; "; be lenient about spaces.
    const pairStart = header.lastIndexOf(";", start) + 1;
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const pair = trimWhitespace(header.slice(pairStart, end));
    if (pair.startsWith(prefix)) {
      const eq = pair.indexOf("=");
      if (eq !== -1) {
        const cookie: [string, string] = [trimWhitespace(pair.slice(0, eq)), trimWhitespace(pair.slice(eq + 1))];
        // Made with its first pair: `[]` grows to 17 slots on its first push.
        if (found === undefined) found = [cookie];
        else found.push(cookie);
        count++;
      }
    }
    start = header.indexOf(prefix, end);
  }
  return found ?? [];
}

/**
 * Strips spaces and tabs at both ends (RFC 6265 section 5.2 trims only WSP). Not `String#trim`,
 * which also strips NBSP (a byte 0xA0 read as latin1) and so would read the cookie `flash.x\u00a0`,
 * a different cookie to the browser, as `flash.x`.
 */
function trimWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * Serialises a `Set-Cookie` header value.
 *
 * @throws {TypeError} when the name, value or an attribute would break the header.
 * @example
 * serializeSetCookie("flash.x", "v", { path: "/", httpOnly: true, sameSite: "Lax" })
 * // "flash.x=v; Path=/; HttpOnly; SameSite=Lax"
 */
export function serializeSetCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!TOKEN.test(name)) throw new TypeError(`invalid cookie name: ${JSON.stringify(name)}`);
  if (!COOKIE_VALUE.test(value)) throw new TypeError(`invalid cookie value for ${name}`);
  return `${name}=${value}${serializeAttributes(attributes)}`;
}

/** The attributes part of a `Set-Cookie` header, `"; Path=/; HttpOnly; …"`. */
function serializeAttributes(attributes: CookieAttributes): string {
  let header = "";
  if (attributes.maxAge !== undefined) header += `; Max-Age=${Math.floor(attributes.maxAge)}`;
  if (attributes.domain) header += `; Domain=${attributes.domain}`;
  if (attributes.path) header += `; Path=${attributes.path}`;
  if (attributes.httpOnly) header += "; HttpOnly";
  if (attributes.secure) header += "; Secure";
  if (attributes.sameSite) header += `; SameSite=${attributes.sameSite}`;
  if (attributes.partitioned) header += "; Partitioned";
  if (attributes.priority) header += `; Priority=${attributes.priority}`;
  return header;
}

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
  readonly maxAge: number | undefined;
  /**
   * The `Set-Cookie` header of message `id` (a flash id) with `value`, from attributes serialised
   * once. Unchecked, unlike {@link serializeSetCookie}: the stores build `value` from base64url and
   * hex only, and the prefix was checked here.
   */
  setHeader(id: string, value: string): string;
  /** The `Set-Cookie` header that expires message `id`'s cookie. */
  deleteHeader(id: string): string;
}

/**
 * Validates per-message cookie options, failing at start-up with what to set.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG`
 */
export function resolveMessageCookies(options: MessageCookieOptions): MessageCookieSettings {
  const prefix = options.prefix ?? "flash.";
  const fail = (message: string) => new FlashError("ERR_FLASH_CONFIG", message);
  if (!prefix || !TOKEN.test(prefix))
    throw fail(`cookie prefix must be a non-empty cookie-name token, got ${JSON.stringify(prefix)}`);
  const path = options.path ?? "/";
  if (!path.startsWith("/") || !ATTRIBUTE_VALUE.test(path))
    throw fail(`cookie path must start with "/", got ${JSON.stringify(path)}`);
  if (options.domain !== undefined && (!options.domain || !ATTRIBUTE_VALUE.test(options.domain))) {
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
  const maxAge = options.maxAge;
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge > 0))
    throw fail(`maxAge must be a positive number of seconds, got ${maxAge}`);
  const attributes: CookieAttributes = {
    path,
    ...(options.domain ? { domain: options.domain } : {}),
    httpOnly: true,
    secure: options.secure ?? false,
    sameSite,
    ...(maxAge !== undefined ? { maxAge } : {}),
    // Past 180 cookies per domain (a burst of many overlapping requests over HTTP/2), Chrome then
    // evicts message cookies before the app's own.
    priority: "Low",
  };
  const setSuffix = serializeAttributes(attributes);
  const deleteSuffix = `=${serializeAttributes({ ...attributes, maxAge: 0, priority: undefined })}`;
  return {
    prefix,
    attributes,
    maxAge,
    setHeader: (id, value) => `${prefix}${id}=${value}${setSuffix}`,
    deleteHeader: (id) => `${prefix}${id}${deleteSuffix}`,
  };
}
