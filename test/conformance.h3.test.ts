/**
 * Flask conformance of the h3 adapter on h3 v2 (served through h3's `toNodeHandler`, the cookie store
 * on node:crypto and on Web Crypto, and the memory store) and on h3 v1 (the h3 of Nitro 2 and Nuxt 4,
 * through `toNodeListener`); the suite itself is in conformance-suite.ts.
 */
import { webCryptoCookieStore } from "./adapter-helpers.js";
import { describeConformance } from "./conformance-suite.js";

describeConformance("h3 v2 + cookie store", { adapter: "h3", store: "cookie" });
describeConformance("h3 v2 + memory store", { adapter: "h3", store: "memory" });
describeConformance("h3 v2 + cookie store on Web Crypto", {
  adapter: "h3",
  store: await webCryptoCookieStore({
    secret: "conformance-web-crypto-secret-0123456789",
    maxBytes: 8192,
    maxAddedBytes: 4098,
  }),
});
describeConformance("h3 v1 + cookie store", { adapter: "h3-v1", store: "cookie" });
describeConformance("h3 v1 + memory store", { adapter: "h3-v1", store: "memory" });
