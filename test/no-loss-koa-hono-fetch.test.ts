/**
 * The no-loss workload (no-loss-suite.ts) on the Koa, Hono and fetch adapters with the cookie and
 * memory stores (and, for Hono and fetch, the cookie store on Web Crypto, whose commits are async).
 */
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import Koa from "koa";
import { expect } from "vitest";
import { flashOf, withFlash } from "../src/adapters/fetch.js";
import { flash as honoFlash } from "../src/adapters/hono.js";
import { flash as koaFlash } from "../src/adapters/koa.js";
import type { FlashStore } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { startServer } from "../src/testing/index.js";
import { webCryptoCookieStore } from "./adapter-helpers.js";
import { describeNoLoss, NO_LOSS_SECRET, pause } from "./no-loss-suite.js";

const FLASH_PATH = /^\/flash\/([^/]+)$/;

function startKoa(store: FlashStore) {
  const app = new Koa();
  app.use(koaFlash({ store }));
  app.use(async (ctx) => {
    const id = FLASH_PATH.exec(ctx.path)?.[1];
    if (ctx.method === "POST" && id) {
      ctx.flash(id);
      await pause();
      ctx.body = null;
      ctx.status = 200;
    } else if (ctx.path === "/read") {
      await pause();
      ctx.body = ctx.getFlashedMessages();
    }
  });
  return startServer(app.callback());
}

function startHono(store: FlashStore) {
  const app = new Hono();
  app.use(honoFlash({ store }));
  app.post("/flash/:id", async (c) => {
    c.var.flash(c.req.param("id"));
    await pause();
    return c.json(null);
  });
  app.get("/read", async (c) => {
    await pause();
    return c.json(c.var.getFlashedMessages());
  });
  return startServer(getRequestListener(app.fetch));
}

function startFetch(store: FlashStore) {
  const handler = withFlash(
    async (request: Request) => {
      const { pathname } = new URL(request.url);
      const id = FLASH_PATH.exec(pathname)?.[1];
      if (request.method === "POST" && id) flashOf(request)(id);
      await pause();
      if (pathname === "/read") return Response.json(flashOf(request).getFlashedMessages());
      return id ? Response.json(null) : new Response("not found", { status: 404 });
    },
    { store },
  );
  return startServer(getRequestListener(handler));
}

const adapters = [
  ["koa", startKoa],
  ["hono", startHono],
  ["fetch", startFetch],
] as const;

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
