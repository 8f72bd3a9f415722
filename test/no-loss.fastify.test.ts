/**
 * The no-loss workload (no-loss-suite.ts) on the Fastify adapter with the cookie and memory stores.
 */
import { expect } from "vitest";
import type { FlashStore } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { startNoLossApp } from "../src/testing/index.js";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";

const startFastify = (store: FlashStore) => startNoLossApp("fastify", store);

describeNoLoss("fastify + cookie store", { start: () => startFastify(cookieStore({ secret: NO_LOSS_SECRET })) });

const memory = memoryStore();
describeNoLoss("fastify + memory store", {
  start: () => startFastify(memory),
  allowDuplicates: false,
  after: () => expect(memory.size).toBe(0),
});
