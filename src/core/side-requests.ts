/**
 * Side requests: requests a browser (or a framework's client script) makes to a page without
 * showing it to the user as a navigation. A read on such a request consumes nothing, unless the app
 * asks for Flask's behaviour (`consumeOnSideRequests: true`). Framework-neutral: each adapter passes
 * its framework's request method and a way to read one header.
 */

/**
 * `Sec-Fetch-Dest` values of subresource loads that never display the page's HTML: the message a
 * page would have shown cannot reach the user through them. Not `document`, `iframe`, `frame`,
 * `fencedframe`, `object` or `embed` (each can display an HTML page), nor `empty` (`fetch()`, XHR,
 * htmx, which read messages on purpose and show them).
 */
export const SIDE_REQUEST_DESTINATIONS: ReadonlySet<string> = new Set([
  "audio",
  "audioworklet",
  "font",
  "image",
  "json",
  "manifest",
  "paintworklet",
  "report",
  "script",
  "serviceworker",
  "sharedworker",
  "style",
  "track",
  "video",
  "webidentity",
  "worker",
  "xslt",
]);

/**
 * Headers whose value names a prefetch (or prerender): `Sec-Purpose` (Chromium's speculation rules,
 * Firefox 115 and later), `Purpose` (Chromium's `<link rel=prefetch>`, older browsers), `X-Sec-Purpose`
 * (Turbo's hover prefetch, which cannot set a `Sec-` header from script).
 */
const PURPOSE_HEADERS = ["sec-purpose", "purpose", "x-sec-purpose"] as const;

/** A `prefetch` item of a header's value: `prefetch`, `prefetch;prerender`, `prefetch;anonymous-client-ip`. */
const PREFETCH = /(?:^|,)\s*prefetch\s*(?:[;,]|$)/i;

/**
 * Whether a request is a side request, whose reads of flash messages should consume nothing:
 *
 * - `HEAD` (link checkers, monitors, `curl -I`: no body reaches anyone) and `OPTIONS` (a CORS
 *   preflight, or a client asking what a URL allows);
 * - a prefetch or prerender: `Sec-Purpose`, `Purpose` or `X-Sec-Purpose` naming `prefetch`;
 * - a subresource load that cannot display the page: a `Sec-Fetch-Dest` in
 *   {@link SIDE_REQUEST_DESTINATIONS} (`image`, `script`, `style`, `font`, ...).
 *
 * Headers are read only when the method is not enough, at most four. `header(source, name)` gets the
 * value of the lower-case header `name` from `source`: a plain object of Node's parsed headers
 * (`headerOfRecord`), a Fetch `Headers` (`headerOfFetch`), or the framework's own accessor.
 *
 * @example
 * isSideRequest(req.method, req.headers, headerOfRecord); // Node's parsed headers
 * isSideRequest(request.method, request.headers, headerOfFetch); // a Fetch API Request
 */
export function isSideRequest<S>(
  method: string | undefined,
  source: S,
  header: (source: S, name: string) => unknown,
): boolean {
  if (method === "HEAD" || method === "OPTIONS") return true;
  const destination = header(source, "sec-fetch-dest");
  if (typeof destination === "string" && SIDE_REQUEST_DESTINATIONS.has(destination.trim().toLowerCase())) {
    return true;
  }
  for (const name of PURPOSE_HEADERS) {
    const value = header(source, name);
    if (typeof value === "string" && PREFETCH.test(value)) return true;
  }
  return false;
}

/**
 * Reads a header from a plain object of lower-case header names, as Node (and every framework on
 * it) parses them. For {@link isSideRequest}.
 *
 * @example
 * isSideRequest(req.method, req.headers, headerOfRecord);
 */
export function headerOfRecord(headers: Readonly<Record<string, unknown>> | undefined, name: string): unknown {
  return headers?.[name];
}

/**
 * Reads a header from a Fetch API `Headers`. For {@link isSideRequest}.
 *
 * @example
 * isSideRequest(request.method, request.headers, headerOfFetch);
 */
export function headerOfFetch(headers: { get(name: string): string | null }, name: string): unknown {
  return headers.get(name);
}
