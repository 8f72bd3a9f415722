/**
 * The no-loss workload (no-loss-suite.ts) on the Express adapter with the cookie and memory stores.
 */
import express from "express";
import { expect } from "vitest";
import { flash } from "../src/adapters/express.js";
import type { FlashStore } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { startServer } from "../src/testing/index.js";
import { describeNoLoss, NO_LOSS_SECRET, pause } from "./no-loss-suite.js";

function startExpress(store: FlashStore) {
  const app = express();
  app.use(flash({ store }));
  app.post("/flash/:id", async (req, res) => {
    req.flash(req.params.id);
    await pause();
    res.json(null);
  });
  app.get("/read", async (req, res) => {
    await pause();
    res.json(req.getFlashedMessages());
  });
  return startServer(app);
}

describeNoLoss("express + cookie store", { start: () => startExpress(cookieStore({ secret: NO_LOSS_SECRET })) });

const memory = memoryStore();
describeNoLoss("express + memory store", {
  start: () => startExpress(memory),
  allowDuplicates: false,
  after: () => expect(memory.size).toBe(0),
});
