/**
 * The no-loss workload (no-loss-suite.ts) on the Hono adapter with the cookie and memory stores, and
 * the cookie store on Web Crypto (whose commits are async).
 */
import { expect } from "vitest";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { startNoLossApp } from "../src/testing/index.js";
import { webCryptoCookieStore } from "./adapter-helpers.js";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";

describeNoLoss("hono + cookie store", { start: () => startNoLossApp("hono", cookieStore({ secret: NO_LOSS_SECRET })) });
const memory = memoryStore();
describeNoLoss("hono + memory store", {
  start: () => startNoLossApp("hono", memory),
  allowDuplicates: false,
  after: () => expect(memory.size).toBe(0),
});
describeNoLoss("hono + cookie store on Web Crypto", {
  start: async () => startNoLossApp("hono", await webCryptoCookieStore({ secret: NO_LOSS_SECRET })),
});
