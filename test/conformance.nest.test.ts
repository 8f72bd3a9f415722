/**
 * Flask conformance of flashkit/nest, served by NestJS 11 (see src/testing/apps/nest.ts) on its
 * Express platform (cookie, memory and express-session stores) and its Fastify platform (cookie and
 * memory stores); the suite itself is in conformance-suite.ts.
 */
import { describeConformance } from "./conformance-suite.js";

describeConformance("nest (Express platform) + cookie store", { adapter: "nest", store: "cookie" });
describeConformance("nest (Express platform) + memory store", { adapter: "nest", store: "memory" });
describeConformance("nest (Fastify platform) + cookie store", { adapter: "nest-fastify", store: "cookie" });
describeConformance("nest (Fastify platform) + memory store", { adapter: "nest-fastify", store: "memory" });
