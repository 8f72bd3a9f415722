/**
 * The side requests a browser, a framework script or a tool sends to a page (HEAD, a CORS preflight,
 * prefetches, subresource loads), shared by the side-request tests of the adapters and of the demo.
 */
export const SIDE_REQUESTS: Array<[string, RequestInit]> = [
  ["HEAD", { method: "HEAD" }],
  ["OPTIONS (CORS preflight)", { method: "OPTIONS", headers: { "access-control-request-method": "POST" } }],
  ["Sec-Purpose: prefetch", { headers: { "sec-purpose": "prefetch", "sec-fetch-dest": "document" } }],
  [
    "Sec-Purpose: prefetch;prerender",
    { headers: { "sec-purpose": "prefetch;prerender", "sec-fetch-dest": "document" } },
  ],
  ["Purpose: prefetch", { headers: { purpose: "prefetch" } }],
  ["X-Sec-Purpose: prefetch (Turbo)", { headers: { "x-sec-purpose": "prefetch", "sec-fetch-dest": "empty" } }],
  ["Sec-Fetch-Dest: image", { headers: { "sec-fetch-dest": "image" } }],
  ["Sec-Fetch-Dest: script", { headers: { "sec-fetch-dest": "script" } }],
  ["Sec-Fetch-Dest: style", { headers: { "sec-fetch-dest": "style" } }],
  ["Sec-Fetch-Dest: font", { headers: { "sec-fetch-dest": "font" } }],
];
