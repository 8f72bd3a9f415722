/**
 * `createCookieJar()`: a browser's cookie jar, the one every test client of this repository uses
 * (the browser-like client, the store tests' fake browser, the bench's load generator).
 */
/** A cookie a jar (and the browser client) holds. */
export interface BrowserCookie {
  readonly name: string;
  readonly value: string;
  /** The cookie's Path (RFC 6265 section 5.1.4 default-path when the header named none). */
  readonly path: string;
  /** When it expires, in milliseconds since the epoch; `undefined` for a session cookie. */
  readonly expires: number | undefined;
}

/** Options of {@link createCookieJar}. */
export interface CookieJarOptions {
  /**
   * Drop cookies when their `Max-Age` / `Expires` passes, as a browser does. `false` keeps a cookie
   * until a `Set-Cookie` deletes it (`Max-Age <= 0` or a past `Expires`), for tests that send a stale
   * cookie on purpose to check the server refuses it.
   * @default true
   */
  expire?: boolean;
  /**
   * The most bytes of `name=value` a cookie may have; a larger one is ignored, leaving any earlier
   * cookie of that name in place, as browsers do (RFC 6265bis section 5.7; Chrome and Firefox: 4096).
   * @default 4096
   */
  maxCookieBytes?: number;
}

/** A cookie jar from {@link createCookieJar}. */
export interface CookieJar {
  /** Applies the `Set-Cookie` headers of a response to a request for `requestPath`. @default "/" */
  apply(setCookies: readonly string[], requestPath?: string): void;
  /** The `Cookie` header a browser would send for `path`, `""` when none. @default "/" */
  header(path?: string): string;
  /** The cookies held now (expired ones dropped), longest path first. */
  cookies(): BrowserCookie[];
  /** Sets a cookie by hand, as a forger would. @default path "/" */
  set(name: string, value: string, path?: string): void;
  /** Forgets every cookie. */
  clear(): void;
}

/**
 * Creates an empty jar. It honours `Max-Age` (`<= 0` deletes; it wins over `Expires`), `Expires` and
 * `Path`; cookies are keyed by name and path. `Domain`, `Secure` and `SameSite` are not checked.
 *
 * @example
 * const jar = createCookieJar();
 * jar.apply(response.headers.getSetCookie(), "/login");
 * await fetch(url, { headers: { cookie: jar.header("/") } });
 */
export function createCookieJar(options: CookieJarOptions = {}): CookieJar {
  const expire = options.expire ?? true;
  const maxCookieBytes = options.maxCookieBytes ?? 4096;
  // key `${path}\n${name}`, in creation order (a replaced cookie keeps its place, as RFC 6265 5.3 step 11.3 asks)
  const jar = new Map<string, BrowserCookie>();

  function live(): BrowserCookie[] {
    const now = Date.now();
    const list: BrowserCookie[] = [];
    for (const [key, cookie] of jar) {
      if (expire && cookie.expires !== undefined && cookie.expires <= now) jar.delete(key);
      else list.push(cookie);
    }
    return list.sort((a, b) => b.path.length - a.path.length);
  }

  function setCookie(header: string, requestPath: string): void {
    const [pair = "", ...attributes] = header.split(";");
    const eq = pair.indexOf("=");
    if (eq === -1) return; // RFC 6265 section 5.2: no "=" means ignore the header
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!name || utf8Bytes(name) + 1 + utf8Bytes(value) > maxCookieBytes) return;
    let path: string | undefined;
    let maxAge: number | undefined;
    let expires: number | undefined;
    for (const attribute of attributes) {
      const at = attribute.indexOf("=");
      const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
      const val = at === -1 ? "" : attribute.slice(at + 1).trim();
      if (key === "max-age" && /^-?\d+$/.test(val)) maxAge = Number.parseInt(val, 10);
      else if (key === "expires") {
        const time = Date.parse(val);
        if (!Number.isNaN(time)) expires = time;
      } else if (key === "path") path = val.startsWith("/") ? val : undefined;
    }
    path ??= defaultPath(requestPath);
    const now = Date.now();
    const expiry = maxAge !== undefined ? (maxAge <= 0 ? 0 : now + maxAge * 1000) : expires;
    const key = `${path}\n${name}`;
    if (expiry !== undefined && expiry <= now) jar.delete(key);
    else jar.set(key, { name, value, path, expires: expiry });
  }

  return {
    apply(setCookies, requestPath = "/") {
      for (const header of setCookies) setCookie(header, requestPath);
    },
    header: (path = "/") =>
      live()
        .filter((cookie) => pathMatches(path, cookie.path))
        .map((cookie) => `${cookie.name}=${cookie.value}`)
        .join("; "),
    cookies: live,
    set(name, value, path = "/") {
      jar.set(`${path}\n${name}`, { name, value, path, expires: undefined });
    },
    clear: () => jar.clear(),
  };
}

const encoder = new TextEncoder();
const utf8Bytes = (text: string): number => encoder.encode(text).length;

/** RFC 6265 section 5.1.4: the directory of the request path. */
function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith("/")) return "/";
  const slash = requestPath.lastIndexOf("/");
  return slash <= 0 ? "/" : requestPath.slice(0, slash);
}

/** RFC 6265 section 5.1.4: whether a request path path-matches a cookie path. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}
