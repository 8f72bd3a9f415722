/**
 * What the app sees when Redis fails after `flash()` returned and before the commit (issue 15, item 5),
 * on a real redis-server, through real Express, Koa and Hono apps and a browser-like cookie jar:
 *
 * - (a) Redis is killed between `flash()` and `await req.flash.save()`: the save rejects with
 *   `ERR_FLASH_STORE_UNAVAILABLE`, the app answers its own 503 instead of the 303, and the browser keeps
 *   no cookie pointing at nothing;
 * - (b) Redis is full (`maxmemory` with `noeviction`, filled until it answers OOM): the save rejects with
 *   `ERR_FLASH_STORE_FULL`, and the warning says full, not unreachable;
 * - (c) the automatic commit (no save) on a full Redis warns "full" and calls `onCommitError` (Koa,
 *   Hono), whose response the client gets; Express warns and expires the cookie it had set;
 * - (d) six overlapping requests of one client, each flashing the most a request may, leave at most
 *   `maxPending` fields in the client's hash: the commit script enforces the cap atomically.
 */
import { getRequestListener } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { Redis } from "ioredis";
import Koa from "koa";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { flash as expressFlash } from "../src/adapters/express.js";
import { flash as fastifyFlash } from "../src/adapters/fastify.js";
import { flashOf, withFlash } from "../src/adapters/fetch.js";
import { flash as honoFlash } from "../src/adapters/hono.js";
import { flash as koaFlash } from "../src/adapters/koa.js";
import { FlashError, type FlashLogger } from "../src/index.js";
import { type RedisStore, redisStore } from "../src/stores/redis.js";
import { type BrowserClient, createBrowserClient, type StartedServer, startServer } from "../src/testing/index.js";
import { SECRET } from "./helpers.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

const TIMEOUT = 300;

/** What a route answers when `save()` rejects: the error's code and message. */
interface Refusal {
  readonly code?: string;
  readonly message?: string;
}

describe.skipIf(!HAS_REDIS)("redis store: a commit that fails reaches the app before the response", () => {
  let redis: RedisServer;
  let client: Redis;
  let admin: Redis;
  let cleanup: Array<() => unknown> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url, { retryStrategy: () => 50 });
    admin = new Redis(redis.url, { retryStrategy: () => 50 });
    admin.on("error", () => {});
  });
  afterAll(async () => {
    client?.disconnect();
    admin?.disconnect();
    await redis?.close();
  });
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  /** A store with its own warnings list. */
  function makeStore(): { store: RedisStore; warnings: string[]; logger: FlashLogger } {
    const warnings: string[] = [];
    const logger: FlashLogger = { debug() {}, warn: (message) => warnings.push(message) };
    const store = redisStore({ client, secret: SECRET, timeout: TIMEOUT, retryInterval: 100, logger });
    cleanup.push(() => store.close());
    return { store, warnings, logger };
  }

  async function serve(listener: Parameters<typeof startServer>[0]): Promise<BrowserClient> {
    const server: StartedServer = await startServer(listener);
    cleanup.push(() => server.close());
    return createBrowserClient(server.url);
  }

  /** An Express app whose POST /save flashes, runs `between`, then saves in a try/catch. */
  function expressApp(store: RedisStore, logger: FlashLogger, between: () => Promise<void> = async () => {}) {
    const app = express();
    app.use(expressFlash({ store, logger }));
    app.post("/save", async (req, res) => {
      req.flash("Profile updated", "success");
      await between();
      try {
        await req.flash.save();
      } catch (error) {
        const { code, message } = error as FlashError;
        res.status(503).json({ code, message });
        return;
      }
      res.redirect(303, "/");
    });
    app.post("/auto", (req, res) => {
      req.flash("Profile updated", "success");
      res.redirect(303, "/");
    });
    app.get("/", (req, res) => {
      res.json(req.getFlashedMessages());
    });
    return app;
  }

  /** The same app on Koa, with `onCommitError` answering a 503 for the automatic commit. */
  function koaApp(store: RedisStore, logger: FlashLogger, between: () => Promise<void> = async () => {}) {
    const app = new Koa();
    app.use(
      koaFlash({
        store,
        logger,
        onCommitError: (error, ctx) => {
          ctx.status = 503;
          ctx.remove("Location");
          ctx.body = { code: (error as FlashError).code, from: "onCommitError" };
        },
      }),
    );
    app.use(async (ctx) => {
      if (ctx.path === "/save") {
        ctx.flash("Profile updated", "success");
        await between();
        try {
          await ctx.flash.save();
        } catch (error) {
          const { code, message } = error as FlashError;
          ctx.status = 503;
          ctx.body = { code, message };
          return;
        }
        ctx.status = 303;
        ctx.redirect("/");
      } else if (ctx.path === "/auto") {
        ctx.flash("Profile updated", "success");
        ctx.status = 303;
        ctx.redirect("/");
      } else ctx.body = ctx.getFlashedMessages();
    });
    return app.callback();
  }

  async function post(browser: BrowserClient, path: string) {
    const response = await browser.fetch(path, { method: "POST", redirect: "manual" });
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get("location"),
      setCookies: response.headers.getSetCookie(),
      body: (text.startsWith("{") ? JSON.parse(text) : {}) as Refusal & { from?: string },
    };
  }

  /**
   * Makes Redis full: `maxmemory` 2 MB above what it uses, `noeviction`, keys until it answers OOM;
   * then `maxmemory` a little below what it uses, so that the buffers freed after the refused write
   * do not make room again.
   */
  async function fillRedis(): Promise<void> {
    const used = async () => Number(/used_memory:(\d+)/.exec((await admin.info("memory")) as string)?.[1]);
    await admin.config("SET", "maxmemory-policy", "noeviction");
    await admin.config("SET", "maxmemory", String((await used()) + 2 * 1024 * 1024));
    cleanup.push(async () => {
      await admin.config("SET", "maxmemory", "0");
      await admin.flushall();
    });
    const value = "x".repeat(8 * 1024);
    for (let batch = 0; batch < 100; batch++) {
      const pipeline = admin.pipeline();
      for (let i = 0; i < 50; i++) pipeline.set(`filler:${batch}:${i}`, value);
      const errors = ((await pipeline.exec()) ?? []).map(([error]) => error).filter(Boolean);
      if (errors.length > 0) {
        expect(String(errors[0])).toMatch(/OOM command not allowed/);
        await admin.config("SET", "maxmemory", String((await used()) - 64 * 1024));
        return;
      }
    }
    throw new Error("Redis never answered OOM");
  }

  /** Kills Redis (nothing saved); the cleanup starts it again, empty, and waits for the client. */
  async function killRedis(): Promise<void> {
    await redis.stop();
    cleanup.push(async () => {
      await redis.start();
      await new Promise<void>((resolve) => {
        const check = () => (client.status === "ready" ? resolve() : setTimeout(check, 20));
        check();
      });
    });
  }

  for (const framework of ["express", "koa"] as const) {
    it(`(a) ${framework}: Redis killed between flash() and save(): the app's catch answers, no 303, no orphan cookie`, async () => {
      const { store, warnings, logger } = makeStore();
      const between = killRedis;
      const browser = await serve(
        framework === "express" ? expressApp(store, logger, between) : koaApp(store, logger, between),
      );
      const answer = await post(browser, "/save");
      expect(answer.status).toBe(503);
      expect(answer.location).toBeNull();
      expect(answer.body.code).toBe("ERR_FLASH_STORE_UNAVAILABLE");
      expect(answer.body.message).toMatch(/redis store is unreachable .*1 flashed message\(s\) could not be stored/);
      expect(browser.cookies()).toEqual([]);
      expect(warnings).toEqual([expect.stringMatching(/redis store unreachable/)]);
      process.stdout.write(
        `\n(a) ${framework}, Redis killed before save(): ${answer.status}, Set-Cookie ${JSON.stringify(answer.setCookies)}, ` +
          `${JSON.stringify(answer.body)}\n`,
      );
    });
  }

  it("(a) express: Redis frozen (SIGSTOP) during save(): it rejects after `timeout`, and the cookie it set is expired again", async () => {
    const { store, warnings, logger } = makeStore();
    const between = async () => {
      redis.pause();
      cleanup.push(() => redis.resume());
    };
    const browser = await serve(expressApp(store, logger, between));
    const started = Date.now();
    const answer = await post(browser, "/save");
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT - 20);
    expect(answer.status).toBe(503);
    expect(answer.location).toBeNull();
    expect(answer.body.code).toBe("ERR_FLASH_STORE_UNAVAILABLE");
    expect(answer.body.message).toMatch(/no answer within 300 ms/);
    const [set, expire] = answer.setCookies;
    expect(answer.setCookies).toHaveLength(2);
    expect(expire).toBe(`${set!.split("=")[0]}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`);
    expect(browser.cookies()).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/redis store unreachable \(no answer within 300 ms\)/)]);
    process.stdout.write(
      `\n(a) express, Redis frozen during save(): ${answer.status} after ${Date.now() - started} ms, ` +
        `Set-Cookie ${JSON.stringify(answer.setCookies)}, ${JSON.stringify(answer.body)}\n`,
    );
  });

  for (const framework of ["express", "koa"] as const) {
    it(`(b) ${framework}: a full Redis makes save() reject with ERR_FLASH_STORE_FULL, and the warning says full`, async () => {
      const { store, warnings, logger } = makeStore();
      const browser = await serve(framework === "express" ? expressApp(store, logger) : koaApp(store, logger));
      await fillRedis();
      const answer = await post(browser, "/save");
      expect(answer.status).toBe(503);
      expect(answer.location).toBeNull();
      expect(answer.body.code).toBe("ERR_FLASH_STORE_FULL");
      expect(answer.body.message).toMatch(/^flashkit: the redis store is full \(OOM command not allowed/);
      expect(browser.cookies()).toEqual([]);
      expect(warnings).toEqual([expect.stringMatching(/^flashkit: redis store full \(OOM command not allowed/)]);
      expect(warnings.join("\n")).not.toMatch(/unreachable/);
      expect(store.available).toBe(true);
      // Redis did not grow past maxmemory for the message: the script was refused whole.
      expect(await admin.keys("flashkit:*")).toEqual([]);
      process.stdout.write(
        `\n(b) ${framework}, full Redis, save(): ${answer.status}, Set-Cookie ${JSON.stringify(answer.setCookies)}, ` +
          `${JSON.stringify(answer.body)}\n    warning: ${warnings[0]}\n`,
      );
    });
  }

  it("(c) the automatic commit on a full Redis warns 'full'; Koa and Hono hand it to onCommitError before responding", async () => {
    const { store, warnings, logger } = makeStore();
    const onExpress = await serve(expressApp(store, logger));
    const onKoa = await serve(koaApp(store, logger));
    const hono = new Hono();
    const seen: unknown[] = [];
    hono.use(
      honoFlash({
        store,
        logger,
        // A new Response, not c.json(): that one would carry the headers c.redirect() set on c (Location).
        onCommitError: (error) => {
          seen.push(error);
          return Response.json({ code: (error as FlashError).code, from: "onCommitError" }, { status: 503 });
        },
      }),
    );
    hono.post("/auto", (c) => {
      c.var.flash("Profile updated", "success");
      return c.redirect("/", 303);
    });
    const onHono = await serve(getRequestListener(hono.fetch));
    await fillRedis();

    // Express: the 303 has gone out with its body chosen, but its cookie is expired again.
    const express = await post(onExpress, "/auto");
    expect(express.status).toBe(303);
    expect(onExpress.cookies()).toEqual([]);
    for (const [label, browser] of [
      ["koa", onKoa],
      ["hono", onHono],
    ] as const) {
      const answer = await post(browser, "/auto");
      expect(answer.status, label).toBe(503);
      expect(answer.location, label).toBeNull();
      expect(answer.body, label).toEqual({ code: "ERR_FLASH_STORE_FULL", from: "onCommitError" });
      expect(browser.cookies(), label).toEqual([]);
    }
    expect(seen).toEqual([expect.objectContaining({ code: "ERR_FLASH_STORE_FULL" })]);
    expect(seen[0]).toBeInstanceOf(FlashError);
    // One "full" warning from the store, then one per failed automatic commit, each naming the code.
    expect(warnings[0]).toMatch(/^flashkit: redis store full \(OOM/);
    expect(warnings.slice(1)).toEqual(
      Array.from({ length: 3 }, () =>
        expect.stringMatching(
          /^flashkit: could not commit flash messages: \(ERR_FLASH_STORE_FULL\) flashkit: the redis store is full \(OOM/,
        ),
      ),
    );
    expect(warnings.join("\n")).not.toMatch(/unreachable/);
    process.stdout.write(`\n(c) automatic commit, full Redis:\n    ${warnings.join("\n    ")}\n`);
  });

  it("(b) fastify, hono, fetch: save() rejects with ERR_FLASH_STORE_FULL on a full Redis; onCommitError answers for the automatic commit", async () => {
    const { store, warnings, logger } = makeStore();
    const refuse = (error: unknown) => ({ code: (error as FlashError).code, from: "catch" });
    const hooked = (error: unknown) => ({ code: (error as FlashError).code, from: "onCommitError" });

    const fastify = Fastify();
    await fastify.register(
      fastifyFlash({
        store,
        logger,
        onCommitError: (error, _request, reply) => {
          reply.code(503).removeHeader("location").type("application/json");
          return JSON.stringify(hooked(error));
        },
      }),
    );
    fastify.post("/save", async (request, reply) => {
      request.flash("Profile updated", "success");
      try {
        await request.flash.save();
      } catch (error) {
        return reply.code(503).send(refuse(error));
      }
      return reply.redirect("/", 303);
    });
    fastify.post("/auto", async (request, reply) => {
      request.flash("Profile updated", "success");
      return reply.redirect("/", 303);
    });
    await fastify.ready();
    cleanup.push(() => fastify.close());

    const hono = new Hono();
    hono.use(honoFlash({ store, logger }));
    hono.post("/save", async (c) => {
      c.var.flash("Profile updated", "success");
      try {
        await c.var.flash.save();
      } catch (error) {
        return c.json(refuse(error), 503);
      }
      return c.redirect("/", 303);
    });

    const handler = withFlash(
      async (request: Request) => {
        const flash = flashOf(request);
        flash("Profile updated", "success");
        if (new URL(request.url).pathname === "/save") {
          try {
            await flash.save();
          } catch (error) {
            return Response.json(refuse(error), { status: 503 });
          }
        }
        return Response.redirect(new URL("/", request.url), 303);
      },
      { store, logger, onCommitError: (error) => Response.json(hooked(error), { status: 503 }) },
    );

    const browsers = {
      fastify: await serve((req, res) => fastify.routing(req, res)),
      hono: await serve(getRequestListener(hono.fetch)),
      fetch: await serve(getRequestListener(handler)),
    };
    await fillRedis();
    for (const [label, browser] of Object.entries(browsers)) {
      const saved = await post(browser, "/save");
      expect(saved.status, label).toBe(503);
      expect(saved.location, label).toBeNull();
      expect(saved.body, label).toEqual({ code: "ERR_FLASH_STORE_FULL", from: "catch" });
      expect(browser.cookies(), label).toEqual([]);
      if (label === "hono") continue;
      const automatic = await post(browser, "/auto");
      expect(automatic.status, label).toBe(503);
      expect(automatic.location, label).toBeNull();
      expect(automatic.body, label).toEqual({ code: "ERR_FLASH_STORE_FULL", from: "onCommitError" });
      expect(browser.cookies(), label).toEqual([]);
    }
    expect(warnings[0]).toMatch(/^flashkit: redis store full \(OOM/);
    expect(warnings.slice(1)).toEqual([
      expect.stringMatching(/could not commit flash messages: \(ERR_FLASH_STORE_FULL\)/),
      expect.stringMatching(/could not commit flash messages: \(ERR_FLASH_STORE_FULL\)/),
    ]);
    expect(warnings.join("\n")).not.toMatch(/unreachable/);
  });

  it("(d) six overlapping requests of one client, each flashing the most it may, leave maxPending fields", async () => {
    const { store, warnings, logger } = makeStore();
    const OVERLAPPING = 6;
    // The jar's own caps raised to what a request may flash under them, so only the script's cap binds.
    const PER_REQUEST = 50;
    let arrived = 0;
    let release: () => void = () => {};
    const allArrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    const app = express();
    app.use(expressFlash({ store, logger, maxMessages: PER_REQUEST, maxAddedMessages: PER_REQUEST }));
    app.post("/seed", (req, res) => {
      req.flash("seed");
      res.end();
    });
    app.post("/many", async (req, res) => {
      for (let i = 0; i < PER_REQUEST; i++) req.flash(`m${i}`);
      if (++arrived === OVERLAPPING) release();
      await allArrived;
      res.end();
    });
    const browser = await serve(app);
    await browser.fetch("/seed", { method: "POST" });
    const [owner] = new Set(browser.cookies().map((cookie) => cookie.value.split(".")[0]));
    const responses = await Promise.all(
      Array.from({ length: OVERLAPPING }, () => browser.fetch("/many", { method: "POST" })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(OVERLAPPING).fill(200));
    const key = `flashkit:${owner}`;
    const fields = await admin.hkeys(key);
    expect(fields).toHaveLength(64);
    // The newest 64 of every id the requests flashed survive.
    const flashed = browser
      .cookies()
      .map((cookie) => cookie.name.slice("flash.".length))
      .sort();
    expect(fields.sort()).toEqual(flashed.slice(-64));
    const removed = warnings
      .map((warning) => /removed the (\d+) oldest pending message\(s\)/.exec(warning)?.[1])
      .filter((count) => count !== undefined)
      .reduce((sum, count) => sum + Number(count), 0);
    expect(removed).toBe(OVERLAPPING * PER_REQUEST - 64);
    process.stdout.write(
      `\n(d) ${OVERLAPPING} overlapping requests × ${PER_REQUEST} messages: HLEN ${fields.length}, the script removed ${removed}\n`,
    );
  });
});
