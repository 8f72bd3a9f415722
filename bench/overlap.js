#!/usr/bin/env node
// Loss under overlap (issue 6): the no-loss workload of flashkit/testing (one browser-like client,
// rounds of overlapping flashing requests plus one overlapping read, then a final read) against
// flashkit on every adapter × store and against the peers in their usual README configuration,
// counting the messages each one loses.
//
//   node bench/overlap.js                         # 200 rounds of 3 flashes (600 messages per row)
//   BENCH_OVERLAP_ROUNDS=30 REDIS_URL=redis://127.0.0.1:6379 node bench/overlap.js
//
// Every app serves `POST /flash/:id` (flashes `id`, then waits 0–15 ms) and `GET /read` (waits
// 0–15 ms, then answers the messages read as a JSON array of strings). Rows run one after the other,
// each on its own server, closed before the next starts.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import cookieSession from "cookie-session";
import express from "express";
import session from "express-session";
import Fastify from "fastify";
import { cookieStore, memoryStore } from "flashkit";
import { redisStore } from "flashkit/redis";
import { noLossPause, runNoLossWorkload, startNoLossApp, startServer } from "flashkit/testing";

const require = createRequire(import.meta.url);
// CommonJS packages, loaded as their READMEs show.
const connectFlash = require("connect-flash");
const fastifyFlashPeer = require("@fastify/flash");
const fastifySecureSession = require("@fastify/secure-session");

const PEER_NOTE =
  "session cookie set by one read before the overlap (startSession: true), so the loss is from overlap only";

/**
 * One row of {@link runOverlap}: what the no-loss workload saw on one library × framework × store.
 * On a skipped row (`skipped: true`, the reason in `note`) every count is `null`.
 *
 * @typedef {object} OverlapRow
 * @property {string} library - `flashkit`, or the peer's name and version (`connect-flash 0.1.1`).
 * @property {string} framework - The framework and its installed version (`express 5.3.0`).
 * @property {string} store - Where the messages live (`cookie`, `memory`, `redis`, `express-session MemoryStore`, ...).
 * @property {number | null} flashed - Messages flashed (`rounds × flashesPerRound`).
 * @property {number | null} lost - Messages flashed but never read.
 * @property {number | null} shownTwice - Messages read more than once.
 * @property {number | null} failedRequests - Responses whose status was not 2xx.
 * @property {number | null} cookiesLeft - Cookies the client still held at the end.
 * @property {boolean} [skipped] - `true` when the row could not run (no `redisUrl`, or an error).
 * @property {string} [note] - Why a row was skipped, or how it was set up.
 */

/**
 * Options of {@link runOverlap}.
 *
 * @typedef {object} OverlapOptions
 * @property {number} [rounds] - Rounds of overlapping requests per row. Default 200.
 * @property {number} [flashesPerRound] - Flashing requests per round, sent together with one read. Default 3.
 * @property {string} [redisUrl] - A Redis to run flashkit's redisStore on (Express and Fastify); without
 *   it those rows are skipped.
 */

/** The installed version of `name`, read from its package.json (some packages do not export it). */
function versionOf(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    let dir = dirname(require.resolve(name));
    for (;;) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        if (pkg.name === name) return pkg.version;
      } catch {
        // no package.json here: look further up
      }
      const parent = dirname(dir);
      if (parent === dir) return "?";
      dir = parent;
    }
  }
}

const EXPRESS = `express ${versionOf("express")}`;
const FASTIFY = `fastify ${versionOf("fastify")}`;
const KOA = `koa ${versionOf("koa")}`;
const HONO = `hono ${versionOf("hono")} (@hono/node-server ${versionOf("@hono/node-server")})`;

// ---------------------------------------------------------------------------------------------
// The apps. Each `start*` returns { url, close() }.

/** Fastify with @fastify/secure-session and @fastify/flash, as their READMEs set them up. */
async function fastifyFlashPeerApp() {
  const app = Fastify();
  // crypto_secretbox_KEYBYTES: 32 random bytes, as `npx @fastify/secure-session > secret-key` writes.
  await app.register(fastifySecureSession, { key: randomBytes(32), cookie: { path: "/" } });
  await app.register(fastifyFlashPeer);
  app.post("/flash/:id", async (request) => {
    request.flash("message", request.params.id);
    await noLossPause();
    return null;
  });
  app.get("/read", async (_request, reply) => {
    await noLossPause();
    return reply.flash("message");
  });
  await app.ready();
  const server = await startServer((req, res) => app.routing(req, res));
  return {
    url: server.url,
    async close() {
      await server.close();
      await app.close();
    },
  };
}

/** Express with `session` (a session middleware) and connect-flash, as connect-flash's README sets it up. */
function connectFlashExpress(sessionMiddleware) {
  const app = express();
  app.use(sessionMiddleware);
  app.use(connectFlash());
  app.post("/flash/:id", async (req, res) => {
    req.flash("message", req.params.id);
    await noLossPause();
    res.json(null);
  });
  app.get("/read", async (req, res) => {
    await noLossPause();
    res.json(req.flash("message"));
  });
  return startServer(app);
}

// ---------------------------------------------------------------------------------------------

/**
 * The targets, in the order they run. `start()` returns the app's server; `after(server)` may add a
 * note once the workload is done (what a store left behind).
 */
function targets(secret, redis) {
  const flashkitRows = [];
  const adapters = [
    [EXPRESS, "express", true],
    [FASTIFY, "fastify", true],
    [KOA, "koa", false],
    [HONO, "hono", false],
  ];
  for (const [framework, adapter, withRedis] of adapters) {
    // flashkit/testing's no-loss app, the one flashkit's own no-loss tests run.
    const start = (store) => startNoLossApp(adapter, store);
    flashkitRows.push({
      library: "flashkit",
      framework,
      store: "cookie",
      start: () => start(cookieStore({ secret })),
    });
    const memory = memoryStore();
    flashkitRows.push({
      library: "flashkit",
      framework,
      store: "memory",
      start: () => start(memory),
      after: () => (memory.size === 0 ? undefined : `${memory.size} messages left in the memory store`),
    });
    if (withRedis) {
      const row = { library: "flashkit", framework, store: "redis (ioredis)" };
      if (!redis) {
        flashkitRows.push({ ...row, skip: "skipped: no Redis (set REDIS_URL)" });
        continue;
      }
      if (redis.error) {
        flashkitRows.push({ ...row, skip: `skipped: Redis at ${redis.url} did not answer PING (${redis.error})` });
        continue;
      }
      const keyPrefix = `flashkit-bench-overlap:${randomUUID()}:`;
      let store;
      flashkitRows.push({
        ...row,
        start: () => {
          store = redisStore({ client: redis.client, secret, keyPrefix });
          return start(store);
        },
        after: async () => {
          store?.close();
          const keys = await redis.client.keys(`${keyPrefix}*`);
          if (keys.length > 0) await redis.client.del(...keys);
          return keys.length === 0 ? undefined : `${keys.length} Redis keys left behind`;
        },
      });
    }
  }

  const peers = [
    {
      library: `connect-flash ${versionOf("connect-flash")}`,
      framework: EXPRESS,
      store: `express-session ${versionOf("express-session")} (MemoryStore)`,
      start: () => connectFlashExpress(session({ secret, resave: false, saveUninitialized: false })),
    },
    {
      library: `connect-flash ${versionOf("connect-flash")}`,
      framework: EXPRESS,
      store: `cookie-session ${versionOf("cookie-session")} (signed cookie)`,
      start: () => connectFlashExpress(cookieSession({ name: "session", keys: [secret], maxAge: 24 * 60 * 60 * 1000 })),
    },
    {
      library: `@fastify/flash ${versionOf("@fastify/flash")}`,
      framework: FASTIFY,
      store: `@fastify/secure-session ${versionOf("@fastify/secure-session")} (encrypted cookie)`,
      start: fastifyFlashPeerApp,
    },
  ].map((peer) => ({ ...peer, startSession: true, note: PEER_NOTE }));

  return [...flashkitRows, ...peers];
}

/** Connects to `url` and checks it answers PING within 5 s. */
async function connectRedis(url) {
  const { Redis } = await import("ioredis");
  const client = new Redis(url);
  // A refused connection would otherwise print an unhandled-error line per reconnection attempt.
  client.on("error", () => {});
  let timer;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("no answer within 5 s")), 5000);
      }),
    ]);
    return { url, client };
  } catch (error) {
    client.disconnect();
    return { url, client, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A row with every count `null`. */
function skippedRow(target, note) {
  return {
    library: target.library,
    framework: target.framework,
    store: target.store,
    flashed: null,
    lost: null,
    shownTwice: null,
    failedRequests: null,
    cookiesLeft: null,
    skipped: true,
    note,
  };
}

/**
 * Runs the no-loss workload (`runNoLossWorkload` of flashkit/testing) against flashkit on Express 5,
 * Fastify 5, Koa 3 and Hono 4 with the cookie and memory stores (and the Redis store on Express and
 * Fastify when `redisUrl` is given), then against the peers: connect-flash on express-session and on
 * cookie-session, @fastify/flash on @fastify/secure-session. One row at a time, each on its own
 * server on 127.0.0.1, closed before the next; the Redis client is quit at the end.
 *
 * @param {OverlapOptions} [options]
 * @returns {Promise<OverlapRow[]>} one row per target, in the order run (flashkit first, then the peers).
 * @example
 * const rows = await runOverlap({ rounds: 30, redisUrl: process.env.REDIS_URL });
 * console.log(overlapMarkdown(rows));
 */
export async function runOverlap(options = {}) {
  const rounds = options.rounds ?? 200;
  const flashesPerRound = options.flashesPerRound ?? 3;
  if (!Number.isInteger(rounds) || rounds < 1) throw new TypeError(`rounds must be a whole number ≥ 1, got ${rounds}`);
  if (!Number.isInteger(flashesPerRound) || flashesPerRound < 1) {
    throw new TypeError(`flashesPerRound must be a whole number ≥ 1, got ${flashesPerRound}`);
  }
  const secret = randomBytes(32).toString("hex");
  const redis = options.redisUrl ? await connectRedis(options.redisUrl) : undefined;
  const rows = [];
  try {
    for (const target of targets(secret, redis)) {
      if (target.skip) {
        rows.push(skippedRow(target, target.skip));
        continue;
      }
      let server;
      try {
        server = await target.start();
        const result = await runNoLossWorkload(server.url, {
          rounds,
          flashesPerRound,
          startSession: target.startSession ?? false,
        });
        await server.close();
        server = undefined;
        const notes = [target.note, await target.after?.()].filter(Boolean);
        rows.push({
          library: target.library,
          framework: target.framework,
          store: target.store,
          flashed: result.flashed.length,
          lost: result.lost.length,
          shownTwice: result.shownTwice,
          failedRequests: result.failedRequests,
          cookiesLeft: result.cookiesLeft,
          ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
        });
      } catch (error) {
        rows.push(skippedRow(target, `failed: ${error instanceof Error ? error.message : String(error)}`));
        await Promise.resolve()
          .then(() => target.after?.())
          .catch(() => undefined);
      } finally {
        await server?.close();
      }
    }
  } finally {
    if (redis && !redis.error) await redis.client.quit();
  }
  return rows;
}

/** `12 (2.0%)`. */
function lostCell(row) {
  if (row.lost === null || row.flashed === null) return "–";
  const percent = row.flashed === 0 ? 0 : (100 * row.lost) / row.flashed;
  return `${row.lost} (${percent.toFixed(1)}%)`;
}

/** Escapes a table cell. */
const cell = (value) => String(value ?? "–").replaceAll("|", "\\|");

/**
 * The rows of {@link runOverlap} as a Markdown table (library, framework, store, flashed, lost with
 * its percentage, shown twice, failed requests; a skipped row says so), then one line on the target
 * "0 lost", judged on every flashkit row that ran (met when each lost 0 with no failed request).
 *
 * @param {OverlapRow[]} rows
 * @returns {string}
 * @example
 * console.log(overlapMarkdown(await runOverlap({ rounds: 30 })));
 */
export function overlapMarkdown(rows) {
  const lines = [
    "| library | framework | store | flashed | lost | shown twice | failed requests |",
    "|---|---|---|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const counts = row.skipped
      ? [cell(row.note), "", "", ""]
      : [row.flashed, lostCell(row), row.shownTwice, row.failedRequests].map(cell);
    lines.push(`| ${[cell(row.library), cell(row.framework), cell(row.store), ...counts].join(" | ")} |`);
  }

  const flashkitRows = rows.filter((row) => row.library === "flashkit");
  const ran = flashkitRows.filter((row) => !row.skipped);
  const skipped = flashkitRows.length - ran.length;
  const missed = ran.filter((row) => row.lost !== 0 || row.failedRequests !== 0);
  const flashed = ran.reduce((sum, row) => sum + row.flashed, 0);
  const lost = ran.reduce((sum, row) => sum + row.lost, 0);
  const skippedText = skipped > 0 ? ` (${skipped} skipped)` : "";
  let summary;
  if (ran.length === 0) {
    summary = `Target "0 lost": not measured, no flashkit row ran${skippedText}.`;
  } else if (missed.length === 0) {
    summary = `Target "0 lost": met on all ${ran.length} flashkit rows${skippedText}, 0 of ${flashed} messages lost.`;
  } else {
    const which = missed
      .map((row) => `${row.framework} + ${row.store}: ${row.lost} lost, ${row.failedRequests} failed requests`)
      .join("; ");
    summary =
      `Target "0 lost": missed on ${missed.length} of ${ran.length} flashkit rows${skippedText}, ` +
      `${lost} of ${flashed} messages lost (${which}).`;
  }
  // One line per distinct note, naming the rows it applies to (the peers share theirs).
  const byNote = new Map();
  for (const row of rows.filter((row) => row.note && !row.skipped)) {
    byNote.set(row.note, [...(byNote.get(row.note) ?? []), `${row.library} + ${row.store}`]);
  }
  const notes = [...byNote].map(([note, which]) => `- ${which.join(", ")}: ${note}.`);
  return [...lines, "", summary, ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rounds = Number(process.env.BENCH_OVERLAP_ROUNDS || 200);
  const rows = await runOverlap({ rounds, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}) });
  console.log(overlapMarkdown(rows));
  console.log("");
  console.log(JSON.stringify(rows, null, 2));
}
