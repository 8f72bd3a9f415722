/**
 * One browser, many overlapping requests, the default cookie store: its flash cookies must never lock
 * it out of the site (issue 15, item 3). A real server (Express through flashkit/express; Koa and Hono
 * through their conformance apps), a browser-like cookie jar, bursts of 1 to 100 concurrent requests
 * that each flash (a) one message of the largest size `flash()` accepts or (b) as many short messages
 * as a route can. After the burst the Cookie header and the number of flash cookies are measured, then
 * one quiet request (it neither flashes nor reads) must bring the browser back under the budget.
 *
 * The numbers below are the documented defaults, written out here as the contract under test: a
 * request leaves at most P bytes (Q messages) pending and adds at most A bytes (B messages), so k
 * overlapping requests leave at most P + (k − 1)·A bytes and Q + (k − 1)·B cookies.
 *
 * `FLASHKIT_BUDGET_FIGURES=1 npx vitest run test/cookie-budget.all.test.ts` prints the figures.
 */
import { createServer, type ServerOptions } from "node:http";
import express from "express";
import { afterAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { createFlash, FlashError } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { buildConformanceApp } from "../src/testing/app.js";
import { createBrowserClient } from "../src/testing/browser-client.js";
import { type StartedServer, startServer } from "../src/testing/index.js";
import { fakeRequest, SECRET } from "./helpers.js";

/** What a browser's Cookie header may reach before nginx (8 KiB buffer) refuses it. */
const HEADER_BUDGET = 8192;
/** The flash cookies' share of it; the rest (2 KiB) is left for the app's own cookies. */
const FLASH_SHARE = 6144;
/** Default `maxBytes`: what one request may leave pending (what it kept + what it added). */
const P = 2304;
/** Default `maxAddedBytes`: what one request may add. */
const A = 768;
/** Default `maxMessages` and `maxAddedMessages`. */
const Q = 20;
const B = 8;
/** Default `maxAge`, in seconds. */
const MAX_AGE = 600;
/** Chrome keeps 180 cookies per domain and evicts the least recently used past that. */
const CHROME_PER_DOMAIN = 180;
const PREFIX = "flash.";
const FIGURES = process.env.FLASHKIT_BUDGET_FIGURES === "1";

/**
 * A dispatcher for Node's fetch that accepts response heads up to 1 MiB, as browsers do (Chrome takes
 * 256 KiB): the request after a burst of 100 expires some 700 cookies, one `Set-Cookie` each, past
 * undici's default of 16 KiB. Node ships undici's `Agent` only as the class of its global dispatcher.
 */
async function roomyDispatcher(url: string): Promise<object> {
  await (await fetch(`${url}/quiet`)).body?.cancel();
  const global = (globalThis as Record<symbol, object | undefined>)[Symbol.for("undici.globalDispatcher.1")];
  if (!global) throw new Error("no global undici dispatcher to copy");
  const Agent = global.constructor as new (options: { maxHeaderSize: number }) => object;
  return new Agent({ maxHeaderSize: 1024 * 1024 });
}

const servers: StartedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The longest ASCII text `flash(text)` accepts with the default options, found by asking `flash()`. */
function largestMessage(): string {
  const jar = createFlash({ store: cookieStore({ secret: SECRET }) }).open(fakeRequest());
  let low = 1;
  let high = 8192;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      jar.flash("x".repeat(mid));
      low = mid;
    } catch (error) {
      if (!(error instanceof FlashError) || error.code !== "ERR_FLASH_MESSAGE_TOO_LARGE") throw error;
      high = mid - 1;
    }
  }
  return "x".repeat(low);
}

const BIG = largestMessage();
/** More short messages than any default cap lets one request keep. */
const SHORT = Array.from({ length: 100 }, (_, i) => `Saved item ${i + 1}`);

type Workload = "big" | "many";
type Framework = "express" | "koa" | "hono";

/** An Express app with flashkit's defaults: routes that flash, one that reads, one that does neither. */
function expressApp() {
  const app = express();
  app.use(flash({ secret: SECRET }));
  app.post("/big", (req, res) => {
    req.flash(BIG);
    res.redirect(303, "/page");
  });
  app.post("/many", (req, res) => {
    for (const message of SHORT) req.flash(message, "info");
    res.redirect(303, "/page");
  });
  app.get("/quiet", (_req, res) => {
    res.send("quiet");
  });
  app.get("/page", (req, res) => {
    res.json(req.getFlashedMessages());
  });
  app.get("/own-cookie", (_req, res) => {
    // The app's own cookies, 1 KiB of the 2 KiB left to them.
    res.cookie("sid", "s".repeat(500)).cookie("prefs", "p".repeat(500)).send("ok");
  });
  return app;
}

async function serve(framework: Framework, options: ServerOptions = {}): Promise<StartedServer> {
  const handler =
    framework === "express"
      ? expressApp()
      : await buildConformanceApp(framework, { flash: createFlash({ store: cookieStore({ secret: SECRET }) }) });
  const server = await startServer(createServer(options, handler));
  servers.push(server);
  return server;
}

/** One request of the workload, as the framework's app takes it. */
function workloadRequest(framework: Framework, workload: Workload): [string, RequestInit] {
  if (framework === "express") return [`/${workload}`, { method: "POST", redirect: "manual" }];
  const ops =
    workload === "big"
      ? [{ op: "flash", message: BIG }]
      : SHORT.map((message) => ({ op: "flash", message, category: "info" }));
  return ["/do", { method: "POST", body: JSON.stringify({ ops }) }];
}

/** A request that neither flashes nor reads, through flashkit's middleware. */
function quietRequest(framework: Framework): [string, RequestInit] {
  if (framework === "express") return ["/quiet", {}];
  return ["/do", { method: "POST", body: JSON.stringify({ ops: [] }) }];
}

interface Snapshot {
  /** Bytes of the whole Cookie header the browser sends. */
  header: number;
  /** Bytes of the flash cookies' part of it (`name=value; ...`). */
  flashBytes: number;
  /** Flash cookies held. */
  count: number;
}

function snapshot(browser: ReturnType<typeof createBrowserClient>): Snapshot {
  const flashCookies = browser.cookies().filter((cookie) => cookie.name.startsWith(PREFIX));
  const flashBytes = flashCookies.reduce((sum, c, i) => sum + c.name.length + 1 + c.value.length + (i ? 2 : 0), 0);
  return { header: Buffer.byteLength(browser.cookieHeader("/")), flashBytes, count: flashCookies.length };
}

interface Run {
  afterBurst: Snapshot;
  afterNext: Snapshot;
  statuses: number[];
  setCookies: string[];
}

/** A burst of `k` overlapping workload requests from one browser, then one quiet request. */
async function overlap(
  server: StartedServer,
  framework: Framework,
  workload: Workload,
  k: number,
  dispatcher: object,
  full: boolean,
): Promise<Run> {
  const browser = createBrowserClient(server.url);
  const [path, workloadInit] = workloadRequest(framework, workload);
  const init = { ...workloadInit, dispatcher } as RequestInit;
  if (full) {
    // Sequential requests fill the client to what one request may leave, the worst start for a burst.
    for (let i = 0; i < 4; i++) await (await browser.fetch(path, init)).body?.cancel();
  }
  // Every request of the burst takes its Cookie header before any response arrives, as a browser's
  // parallel connections (or HTTP/2 streams) do.
  const responses = await Promise.all(Array.from({ length: k }, () => browser.fetch(path, init)));
  const statuses = responses.map((response) => response.status);
  const setCookies = responses.flatMap((response) => response.headers.getSetCookie());
  await Promise.all(responses.map((response) => response.body?.cancel()));
  const afterBurst = snapshot(browser);
  const [quietPath, quietInit] = quietRequest(framework);
  const next = await browser.fetch(quietPath, { ...quietInit, dispatcher } as RequestInit);
  statuses.push(next.status);
  await next.body?.cancel();
  return { afterBurst, afterNext: snapshot(browser), statuses, setCookies };
}

const CONCURRENCY = [1, 3, 6, 20, 100];
const figures: string[] = [];
afterAll(() => {
  if (FIGURES && figures.length > 0) console.log(`\n${figures.join("\n")}`);
});

describe.each<[Framework, boolean]>([
  ["express", false],
  ["express", true],
  ["koa", false],
  ["hono", false],
])("%s, default options, client full before the burst: %s", (framework, full) => {
  let server: StartedServer;
  let dispatcher: object;
  it("starts", async () => {
    // Large enough that the measurement itself is never cut short by Node's 431.
    server = await serve(framework, { maxHeaderSize: 1024 * 1024 });
    dispatcher = await roomyDispatcher(server.url);
  });

  describe.each<Workload>(["big", "many"])("workload %s", (workload) => {
    it.each(CONCURRENCY)("k = %i: bounded after the burst, back under budget after one request", async (k) => {
      const run = await overlap(server, framework, workload, k, dispatcher, full);
      figures.push(
        `${framework.padEnd(8)} ${full ? "full " : "empty"} ${workload.padEnd(5)} k=${String(k).padStart(3)}  after burst: header ${run.afterBurst.header} B, ` +
          `flash ${run.afterBurst.flashBytes} B, ${run.afterBurst.count} cookies  |  after one request: header ` +
          `${run.afterNext.header} B, flash ${run.afterNext.flashBytes} B, ${run.afterNext.count} cookies`,
      );
      for (const status of run.statuses) expect(status).toBeLessThan(400);
      // The formula bounds, at every concurrency.
      expect(run.afterBurst.flashBytes).toBeLessThanOrEqual(P + (k - 1) * A);
      expect(run.afterBurst.count).toBeLessThanOrEqual(Q + (k - 1) * B);
      if (k <= 6) {
        expect(run.afterBurst.flashBytes).toBeLessThanOrEqual(FLASH_SHARE);
        expect(run.afterBurst.header).toBeLessThanOrEqual(HEADER_BUDGET);
        expect(run.afterBurst.count).toBeLessThanOrEqual(Q + 5 * B);
      }
      if (k <= 20) expect(run.afterBurst.count).toBeLessThan(CHROME_PER_DOMAIN);
      // The first request that gets through trims to what one request may leave.
      expect(run.afterNext.flashBytes).toBeLessThanOrEqual(P);
      expect(run.afterNext.count).toBeLessThanOrEqual(Q);
      // Every flash cookie set carries the default Max-Age.
      const flashSets = run.setCookies.filter((header) => header.startsWith(PREFIX) && !/Max-Age=0\b/.test(header));
      expect(flashSets.length).toBeGreaterThan(0);
      for (const header of flashSets) expect(header).toContain(`Max-Age=${MAX_AGE}`);
    });
  });
});

describe("a server with an 8 KiB header limit (as nginx's default buffer)", () => {
  it.each<Workload>(["big", "many"])(
    "after 6 overlapping requests flashing %s, the browser still gets 2xx/3xx, never 431",
    async (workload) => {
      const server = await serve("express", { maxHeaderSize: 8192 });
      const browser = createBrowserClient(server.url);
      expect((await browser.fetch("/own-cookie")).status).toBe(200);
      const [path, init] = workloadRequest("express", workload);
      // From the second round on the burst starts from a client the quiet request left full.
      for (let round = 0; round < 3; round++) {
        const burst = await Promise.all(Array.from({ length: 6 }, () => browser.fetch(path, init)));
        for (const response of burst) expect(response.status).toBe(303);
        expect(Buffer.byteLength(browser.cookieHeader("/"))).toBeLessThanOrEqual(HEADER_BUDGET);
        const quiet = await browser.fetch("/quiet");
        expect(quiet.status).toBe(200);
        await quiet.body?.cancel();
      }
      const page = await browser.fetch("/page");
      expect(page.status).toBe(200);
      expect((await page.json()).length).toBeGreaterThan(0);
      // The app's own cookies were never pushed out.
      expect(browser.cookieHeader("/")).toContain("sid=");
    },
  );
});

describe("the largest default message", () => {
  it(`is what one request may add: its cookie fits in A bytes`, () => {
    const store = cookieStore({ secret: SECRET });
    const jar = createFlash({ store }).open(fakeRequest());
    jar.flash(BIG);
    if (FIGURES) figures.push(`largest default message: ${BIG.length} ASCII characters (default category)`);
    expect(BIG.length).toBeGreaterThan(400);
    expect(() => jar.flash(`${BIG}x`)).toThrowError(/too large/);
  });
});
