/**
 * `createBrowserClient()`: `fetch` with a browser's cookie jar, for tests that care about what a
 * real browser holds, including when requests overlap.
 */

/** A cookie the client holds. */
export interface BrowserCookie {
  readonly name: string;
  readonly value: string;
  /** The cookie's Path (RFC 6265 section 5.1.4 default-path when the header named none). */
  readonly path: string;
  /** When it expires, in milliseconds since the epoch; `undefined` for a session cookie. */
  readonly expires: number | undefined;
}

/** A cookie-carrying client from {@link createBrowserClient}. */
export interface BrowserClient {
  /** The origin requests go to. */
  readonly baseUrl: string;
  /**
   * `fetch(baseUrl + path)` (or an absolute URL on the same host, any port) as a browser would:
   * sends the cookies that path-match, applies the response's `Set-Cookie` headers the moment the
   * response headers arrive (so with overlapping requests, the jar changes in arrival order, and a
   * request started earlier carries the cookies of when it started), and follows redirects hop by
   * hop, applying each hop's cookies (303, and 301/302 after a POST, turn into a GET). Pass
   * `redirect: "manual"` to get the 3xx itself.
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The `Cookie` header the client would send for `path`, `""` when none. @default "/" */
  cookieHeader(path?: string): string;
  /** The cookies held now (expired ones dropped), longest path first. */
  cookies(): BrowserCookie[];
  /** Forgets every cookie. */
  clear(): void;
}

const MAX_REDIRECTS = 20;

/**
 * Creates a client with an empty cookie jar. The jar honours `Max-Age` (`<= 0` deletes; it wins
 * over `Expires`), `Expires`, and `Path`; cookies are keyed by name and path. `Domain`, `Secure`
 * and `SameSite` are not checked: everything goes to one host. As in a browser, the jar is shared by
 * every port of that host: pass an absolute URL (`http://127.0.0.1:OTHER/path`) to reach another
 * instance of an app with the same cookies.
 *
 * @example
 * const browser = createBrowserClient(server.url);
 * await browser.fetch("/update_profile", { method: "POST" }); // follows the redirect
 * const page = await browser.fetch("/profile");
 * console.log(browser.cookies()); // [] once every message was read
 */
export function createBrowserClient(baseUrl: string): BrowserClient {
  const origin = new URL(baseUrl);
  // key `${path}\n${name}`, in creation order (a replaced cookie keeps its place, as RFC 6265 5.3 step 11.3 asks)
  const jar = new Map<string, BrowserCookie>();

  function live(now: number): BrowserCookie[] {
    const list: BrowserCookie[] = [];
    for (const [key, cookie] of jar) {
      if (cookie.expires !== undefined && cookie.expires <= now) jar.delete(key);
      else list.push(cookie);
    }
    return list;
  }

  function headerFor(path: string): string {
    return live(Date.now())
      .filter((cookie) => pathMatches(path, cookie.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join("; ");
  }

  function apply(response: Response, requestPath: string): void {
    for (const header of response.headers.getSetCookie()) setCookie(header, requestPath);
  }

  function setCookie(header: string, requestPath: string): void {
    const [pair = "", ...attributes] = header.split(";");
    const eq = pair.indexOf("=");
    if (eq === -1) return; // RFC 6265 section 5.2: no "=" means ignore the header
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!name) return;
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

  async function browse(path: string, init: RequestInit = {}): Promise<Response> {
    let url = new URL(path, origin);
    let request: RequestInit = { ...init };
    const follow = (init.redirect ?? "follow") === "follow";
    for (let hop = 0; ; hop++) {
      // Cookies are scoped by host, not by port (RFC 6265 section 8.5): any port of the host shares the jar.
      if (url.protocol !== origin.protocol || url.hostname !== origin.hostname) {
        throw new TypeError(`the browser client only talks to ${origin.protocol}//${origin.hostname} (any port)`);
      }
      const headers = new Headers(request.headers);
      const cookie = headerFor(url.pathname);
      if (cookie) headers.set("Cookie", cookie);
      else headers.delete("Cookie");
      const response = await fetch(url, { ...request, headers, redirect: "manual" });
      apply(response, url.pathname);
      const location = response.headers.get("Location");
      if (!follow || location === null || response.status < 300 || response.status > 399) return response;
      if (hop >= MAX_REDIRECTS) throw new TypeError(`more than ${MAX_REDIRECTS} redirects from ${path}`);
      await response.body?.cancel();
      const method = (request.method ?? "GET").toUpperCase();
      if (response.status === 303 ? method !== "HEAD" : [301, 302].includes(response.status) && method === "POST") {
        const { body: _body, ...rest } = request;
        const nextHeaders = new Headers(rest.headers);
        nextHeaders.delete("Content-Type");
        request = { ...rest, method: "GET", headers: nextHeaders };
      }
      url = new URL(location, url);
    }
  }

  return {
    baseUrl: origin.origin,
    fetch: browse,
    cookieHeader: (path = "/") => headerFor(path),
    cookies: () => live(Date.now()).sort((a, b) => b.path.length - a.path.length),
    clear: () => jar.clear(),
  };
}

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
