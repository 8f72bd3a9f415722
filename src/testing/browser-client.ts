/**
 * `createBrowserClient()`: `fetch` with a browser's cookie jar, for tests that care about what a
 * real browser holds, including when requests overlap.
 */
import { type BrowserCookie, createCookieJar } from "./cookie-jar.js";

export type { BrowserCookie };

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
  const jar = createCookieJar();

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
      const cookie = jar.header(url.pathname);
      if (cookie) headers.set("Cookie", cookie);
      else headers.delete("Cookie");
      const response = await fetch(url, { ...request, headers, redirect: "manual" });
      jar.apply(response.headers.getSetCookie(), url.pathname);
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
    cookieHeader: (path = "/") => jar.header(path),
    cookies: () => jar.cookies(),
    clear: () => jar.clear(),
  };
}
