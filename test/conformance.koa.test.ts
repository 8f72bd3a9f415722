/**
 * Flask conformance of the Koa adapter (3 and 2) with the cookie and memory stores; the suite itself
 * is in conformance-suite.ts.
 */
import { describeConformance } from "./conformance-suite.js";

const koa2: unknown = (await import("koa2" as string)).default;
const variants = [
  ["koa 3 + cookie store", { adapter: "koa", store: "cookie" }],
  ["koa 3 + memory store", { adapter: "koa", store: "memory" }],
  ["koa 2 + cookie store", { adapter: "koa", store: "cookie", framework: koa2 }],
  ["koa 2 + memory store", { adapter: "koa", store: "memory", framework: koa2 }],
] as const;

for (const [label, options] of variants) describeConformance(label, options);
