/**
 * Flask conformance of the fetch adapter (served through @hono/node-server) with the cookie store on
 * node:crypto and on Web Crypto, and with the memory store; the suite itself is in conformance-suite.ts.
 */

import { webCryptoCookieStore } from "./adapter-helpers.js";
import { describeConformance } from "./conformance-suite.js";

describeConformance("fetch + cookie store", { adapter: "fetch", store: "cookie" });
describeConformance("fetch + memory store", { adapter: "fetch", store: "memory" });
describeConformance("fetch + cookie store on Web Crypto", {
  adapter: "fetch",
  store: await webCryptoCookieStore({
    secret: "conformance-web-crypto-secret-0123456789",
    maxBytes: 8192,
    maxAddedBytes: 4098,
  }),
});
