/**
 * The no-loss workload (no-loss-suite.ts) on the Koa, Hono and fetch adapters with the cookie and
 * memory stores (and, for Hono and fetch, the cookie store on Web Crypto, whose commits are async).
 */
import { expect } from "vitest";
import type { FlashStore } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { startNoLossApp } from "../src/testing/index.js";
import { webCryptoCookieStore } from "./adapter-helpers.js";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";

const adapters = (["koa", "hono", "fetch"] as const).map(
  (name) => [name, (store: FlashStore) => startNoLossApp(name, store)] as const,
);

for (const [name, start] of adapters) {
  describeNoLoss(`${name} + cookie store`, { start: () => start(cookieStore({ secret: NO_LOSS_SECRET })) });
  const memory = memoryStore();
  describeNoLoss(`${name} + memory store`, {
    start: () => start(memory),
    allowDuplicates: false,
    after: () => expect(memory.size).toBe(0),
  });
}
for (const [name, start] of adapters.slice(1)) {
  describeNoLoss(`${name} + cookie store on Web Crypto`, {
    start: async () => start(await webCryptoCookieStore({ secret: NO_LOSS_SECRET })),
  });
}
