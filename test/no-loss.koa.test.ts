/**
 * The no-loss workload (no-loss-suite.ts) on the Koa adapter with the cookie and memory stores.
 */
import { expect } from "vitest";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { startNoLossApp } from "../src/testing/index.js";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";

describeNoLoss("koa + cookie store", { start: () => startNoLossApp("koa", cookieStore({ secret: NO_LOSS_SECRET })) });
const memory = memoryStore();
describeNoLoss("koa + memory store", {
  start: () => startNoLossApp("koa", memory),
  allowDuplicates: false,
  after: () => expect(memory.size).toBe(0),
});
