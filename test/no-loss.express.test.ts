/**
 * The no-loss workload (no-loss-suite.ts) on the Express adapter with the cookie and memory stores.
 */
import { expect } from "vitest";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { describeNoLoss, NO_LOSS_SECRET, startExpressNoLossApp as startExpress } from "./no-loss-suite.js";

describeNoLoss("express + cookie store", { start: () => startExpress(cookieStore({ secret: NO_LOSS_SECRET })) });

const memory = memoryStore();
describeNoLoss("express + memory store", {
  start: () => startExpress(memory),
  allowDuplicates: false,
  after: () => expect(memory.size).toBe(0),
});
