/**
 * Flask conformance of the Fastify adapter with the cookie and memory stores (the session store is in
 * conformance.all.session.test.ts); the suite itself is in conformance-suite.ts.
 */
import { describeConformance } from "./conformance-suite.js";

describeConformance("fastify + cookie store", { adapter: "fastify", store: "cookie" });
describeConformance("fastify + memory store", { adapter: "fastify", store: "memory" });
