/**
 * Side requests (HEAD, OPTIONS, prefetches and prerenders, image/script/style/font loads) to a page
 * that reads flash messages, on every adapter, from the outside: a real server on 127.0.0.1, each
 * framework's own app, a browser-like cookie jar. By default such a request sees the messages (as
 * `peek()` would) and consumes none, so the real navigation still shows them, once; with
 * `consumeOnSideRequests: true` it consumes them, as Flask and connect-flash do.
 */
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import { afterEach, describe, expect, it } from "vitest";
import { flash as connectFlash } from "../src/adapters/connect-flash.js";
import { flash as expressFlash } from "../src/adapters/express.js";
import { flash as fastifyFlash } from "../src/adapters/fastify.js";
import { flashOf, withFlash } from "../src/adapters/fetch.js";
import { flash as honoFlash } from "../src/adapters/hono.js";
import { flash as koaFlash } from "../src/adapters/koa.js";
import type { FlashAdapterOptions } from "../src/adapters/shared.js";
import { memoryStore } from "../src/stores/memory.js";
import { createBrowserClient } from "../src/testing/browser-client.js";
import { type StartedServer, startServer } from "../src/testing/server.js";
import { SECRET } from "./helpers.js";
import { startNestSideApp } from "./nest-side-app.js";
import { SIDE_REQUESTS } from "./side-request-kinds.js";

const servers: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Requests that show what they read: a navigation, a frame, a fetch()/htmx call. They consume. */
const READING_REQUESTS: Array<[string, RequestInit]> = [
  ["Sec-Fetch-Dest: document", { headers: { "sec-fetch-dest": "document", "sec-fetch-mode": "navigate" } }],
  ["Sec-Fetch-Dest: iframe", { headers: { "sec-fetch-dest": "iframe" } }],
  ["Sec-Fetch-Dest: empty (fetch, htmx)", { headers: { "sec-fetch-dest": "empty", "hx-request": "true" } }],
];

type Pair = [string, unknown];
/** What the reading page answers: its two reads of the request, which must be the same list. */
interface PageBody {
  first: Pair[];
  second: Pair[];
}
type Read = (options: { withCategories: true }) => unknown[];

/** The page: reads twice; with `?late`, flashes after reading (stored for the next request). */
function page(read: Read, flashLate: (() => void) | undefined): PageBody {
  const first = read({ withCategories: true }) as Pair[];
  const second = read({ withCategories: true }) as Pair[];
  flashLate?.();
  return { first, second };
}

/** Starts one adapter's app: POST /flash flashes "Saved" and redirects (303) to /page, which reads. */
type Start = (options: FlashAdapterOptions) => Promise<StartedServer>;

const startExpress: Start = async (options) => {
  const app = express();
  app.use(expressFlash(options));
  app.post("/flash", (req, res) => {
    req.flash("Saved", "success");
    res.redirect(303, "/page");
  });
  app.all("/page", (req, res) => {
    res.json(page(req.getFlashedMessages, "late" in req.query ? () => req.flash("Late", "info") : undefined));
  });
  return startServer(app);
};

/** connect-flash's idiom: a global middleware hands every request's messages to the templates. */
const startConnectFlash: Start = async (options) => {
  const app = express();
  app.use(connectFlash(options));
  let late = false;
  app.use((req, res, next) => {
    late = "late" in req.query;
    const all = req.flash() as Record<string, string[]>;
    res.locals.messages = Object.entries(all).flatMap(([type, list]) => list.map((m): Pair => [type, m]));
    next();
  });
  app.post("/flash", (req, res) => {
    req.flash("success", "Saved");
    res.redirect(303, "/page");
  });
  app.all("/page", (req, res) => {
    const messages = res.locals.messages as Pair[];
    if (late) req.flash("info", "Late");
    res.json({ first: messages, second: messages });
  });
  return startServer(app);
};

const startFastify: Start = async (options) => {
  const app = Fastify();
  await app.register(fastifyFlash(options));
  app.post("/flash", async (request, reply) => {
    request.flash("Saved", "success");
    return reply.redirect("/page", 303);
  });
  app.route({
    method: ["GET", "OPTIONS"],
    url: "/page",
    handler: async (request) =>
      page(
        request.getFlashedMessages,
        "late" in (request.query as object) ? () => request.flash("Late", "info") : undefined,
      ),
  });
  await app.ready();
  return startServer(app.server);
};

const startKoa: Start = async (options) => {
  const app = new Koa();
  app.use(koaFlash(options));
  app.use((ctx) => {
    if (ctx.path === "/flash" && ctx.method === "POST") {
      ctx.flash("Saved", "success");
      ctx.status = 303;
      ctx.redirect("/page");
    } else if (ctx.path === "/page") {
      ctx.body = page(ctx.getFlashedMessages, "late" in ctx.query ? () => ctx.flash("Late", "info") : undefined);
    }
  });
  return startServer(app.callback());
};

const startHono: Start = async (options) => {
  const app = new Hono();
  app.use(honoFlash(options));
  app.post("/flash", (c) => {
    c.var.flash("Saved", "success");
    return c.redirect("/page", 303);
  });
  app.on(["GET", "OPTIONS"], "/page", (c) =>
    c.json(
      page(c.var.getFlashedMessages, c.req.query("late") !== undefined ? () => c.var.flash("Late", "info") : undefined),
    ),
  );
  return startServer(getRequestListener(app.fetch));
};

const startFetch: Start = async (options) => {
  const handler = withFlash(async (request: Request) => {
    const url = new URL(request.url);
    const flash = flashOf(request);
    if (url.pathname === "/flash" && request.method === "POST") {
      flash("Saved", "success");
      return Response.redirect(new URL("/page", url), 303);
    }
    if (url.pathname === "/page") {
      const late = url.searchParams.has("late") ? () => flash("Late", "info") : undefined;
      return Response.json(page(flash.getFlashedMessages, late));
    }
    return new Response("not found", { status: 404 });
  }, options);
  return startServer(getRequestListener(handler));
};

const ADAPTERS: Array<[string, Start]> = [
  ["express", startExpress],
  ["connect-flash (over express)", startConnectFlash],
  ["fastify", startFastify],
  ["koa", startKoa],
  ["hono", startHono],
  ["fetch", startFetch],
  ["nest (Express platform)", (options) => startNestSideApp("express", options, page)],
  ["nest (Fastify platform)", (options) => startNestSideApp("fastify", options, page)],
];

const SAVED: Pair[] = [["success", "Saved"]];

async function json(response: Response): Promise<PageBody> {
  expect(response.status).toBe(200);
  return (await response.json()) as PageBody;
}

describe.each(ADAPTERS)("%s: side requests to a page that reads messages", (_name, start) => {
  it.each(SIDE_REQUESTS)(
    "%s sees the message without consuming it; the navigation shows it once",
    async (_kind, init) => {
      const server = await start({ secret: SECRET });
      servers.push(server);
      const browser = createBrowserClient(server.url);
      await browser.fetch("/flash", { method: "POST", redirect: "manual" });
      const held = browser.cookieHeader();
      expect(held).not.toBe("");

      const side = await browser.fetch("/page", init);
      expect(side.status).toBe(200);
      expect(side.headers.getSetCookie()).toEqual([]);
      if (init.method !== "HEAD") {
        // What peek() returns, and the same list on every read of the request.
        expect(await side.json()).toEqual({ first: SAVED, second: SAVED });
      }
      expect(browser.cookieHeader()).toBe(held);

      expect(await json(await browser.fetch("/page"))).toEqual({ first: SAVED, second: SAVED });
      expect(await json(await browser.fetch("/page"))).toEqual({ first: [], second: [] });
      expect(browser.cookies()).toEqual([]);
    },
  );

  it.each(SIDE_REQUESTS)("%s consumes with consumeOnSideRequests: true (Flask's behaviour)", async (_kind, init) => {
    const server = await start({ secret: SECRET, consumeOnSideRequests: true });
    servers.push(server);
    const browser = createBrowserClient(server.url);
    await browser.fetch("/flash", { method: "POST", redirect: "manual" });
    const side = await browser.fetch("/page", init);
    expect(side.status).toBe(200);
    expect(side.headers.getSetCookie().length).toBeGreaterThan(0);
    expect(await json(await browser.fetch("/page"))).toEqual({ first: [], second: [] });
    expect(browser.cookies()).toEqual([]);
  });

  it.each(READING_REQUESTS)("%s consumes, as any read that shows the messages", async (_kind, init) => {
    const server = await start({ secret: SECRET });
    servers.push(server);
    const browser = createBrowserClient(server.url);
    await browser.fetch("/flash", { method: "POST", redirect: "manual" });
    expect(await json(await browser.fetch("/page", init))).toEqual({ first: SAVED, second: SAVED });
    expect(await json(await browser.fetch("/page"))).toEqual({ first: [], second: [] });
    expect(browser.cookies()).toEqual([]);
  });

  it("a flash on a side request is stored as on any other", async () => {
    const server = await start({ store: memoryStore() });
    servers.push(server);
    const browser = createBrowserClient(server.url);
    await browser.fetch("/flash", { method: "POST", redirect: "manual" });
    const side = await browser.fetch("/page?late", { headers: { "sec-purpose": "prefetch" } });
    expect(await side.json()).toEqual({ first: SAVED, second: SAVED });
    expect(await json(await browser.fetch("/page"))).toEqual({
      first: [...SAVED, ["info", "Late"]],
      second: [...SAVED, ["info", "Late"]],
    });
    expect(await json(await browser.fetch("/page"))).toEqual({ first: [], second: [] });
  });
});

describe("hono off Node (Bun, Deno, workers): the Fetch request's headers", () => {
  it.each(SIDE_REQUESTS)("%s consumes nothing through app.request()", async (_kind, init) => {
    const app = new Hono();
    app.use(honoFlash({ secret: SECRET }));
    app.post("/flash", (c) => {
      c.var.flash("Saved", "success");
      return c.redirect("/page", 303);
    });
    app.on(["GET", "OPTIONS"], "/page", (c) => c.json(page(c.var.getFlashedMessages, undefined)));
    const posted = await app.request("/flash", { method: "POST" });
    const cookie = posted.headers
      .getSetCookie()
      .map((header) => header.split(";")[0])
      .join("; ");
    const side = await app.request("/page", { ...init, headers: { ...(init.headers as object), cookie } });
    expect(side.status).toBe(200);
    expect(side.headers.getSetCookie()).toEqual([]);
    const navigation = await app.request("/page", { headers: { cookie } });
    expect(await navigation.json()).toEqual({ first: SAVED, second: SAVED });
    expect(navigation.headers.getSetCookie().length).toBeGreaterThan(0);
  });
});
