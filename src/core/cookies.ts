/**
 * The two cookie operations flashkit needs, and nothing else (compare jshttp/cookie): pick the
 * cookies whose names start with a prefix out of a `Cookie` header, and serialise a `Set-Cookie`
 * (with the checks and the attribute part on their own, for the stores' message cookies, which
 * serialise their attributes once: see src/stores/shared.ts).
 */
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

/** Whether `text` may be a cookie's name (an RFC 6265 token). */
export function isCookieName(text: string): boolean {
  return TOKEN.test(text);
}

/** Whether `text` may be the value of a cookie's Path or Domain attribute. */
export function isCookieAttributeValue(text: string): boolean {
  return ATTRIBUTE_VALUE.test(text);
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
  return `${name}=${value}${serializeCookieAttributes(attributes)}`;
}

/**
 * The attributes part of a `Set-Cookie` header, unchecked (see {@link isCookieAttributeValue}).
 *
 * @example
 * serializeCookieAttributes({ path: "/", httpOnly: true }) // "; Path=/; HttpOnly"
 */
export function serializeCookieAttributes(attributes: CookieAttributes): string {
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
