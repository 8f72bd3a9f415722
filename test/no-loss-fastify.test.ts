/**
 * The no-loss workload (no-loss-suite.ts) on the Fastify adapter with the cookie and memory stores.
 */
import Fastify from "fastify";
import { expect } from "vitest";
import { flash } from "../src/adapters/fastify.js";
import type { FlashStore } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { startServer } from "../src/testing/index.js";
import { describeNoLoss, NO_LOSS_SECRET, pause } from "./no-loss-suite.js";

async function startFastify(store: FlashStore) {
  const app = Fastify();
  await app.register(flash({ store }));
  app.post<{ Params: { id: string } }>("/flash/:id", async (request) => {
    request.flash(request.params.id);
    await pause();
    return null;
  });
  app.get("/read", async (request) => {
    await pause();
    return request.getFlashedMessages();
  });
  await app.ready();
  return startServer((req, res) => app.routing(req, res));
}

describeNoLoss("fastify + cookie store", { start: () => startFastify(cookieStore({ secret: NO_LOSS_SECRET })) });

const memory = memoryStore();
describeNoLoss("fastify + memory store", {
  start: () => startFastify(memory),
  allowDuplicates: false,
  after: () => expect(memory.size).toBe(0),
});
