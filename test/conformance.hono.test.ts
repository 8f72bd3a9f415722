/**
 * Flask conformance of the hono adapter (served through @hono/node-server) with the cookie store on
 * node:crypto and on Web Crypto, and with the memory store; the suite itself is in conformance-suite.ts.
 */

import { webCryptoCookieStore } from "./adapter-helpers.js";
import { describeConformance } from "./conformance-suite.js";

describeConformance("hono + cookie store", { adapter: "hono", store: "cookie" });
describeConformance("hono + memory store", { adapter: "hono", store: "memory" });
describeConformance("hono + cookie store on Web Crypto", {
  adapter: "hono",
  store: await webCryptoCookieStore({
    secret: "conformance-web-crypto-secret-0123456789",
    maxBytes: 8192,
    maxAddedBytes: 4098,
  }),
});
