/**
 * flashkit/connect-flash against the real connect-flash 0.1.1 (on express-session, as its README
 * sets it up):
 *
 * - a seeded differential: the same random sequences of requests, each a list of `req.flash(...)`
 *   calls (flash a message, an array, a format string with arguments; read one type; read all; falsy
 *   arguments), through a browser-like cookie jar, must give identical results (compared as JSON
 *   text, so the key order of `req.flash()` counts too) on the cookie and the memory store;
 * - the examples of connect-flash's README and JSDoc, and the few places where flashkit differs on
 *   purpose (connect-flash throws);
 * - the no-loss workload of test/no-loss-suite.ts: flashkit/connect-flash loses nothing, while
 *   connect-flash's numbers are printed (its loss depends on timing, so it is not asserted);
 * - the migrated example app (examples/connect-flash) and `require("flashkit/connect-flash")` from
 *   CommonJS, on the built package (`npm run build` first).
 *
 * Reproduce a differential failure with PARITY_SEED=<seed printed by fast-check>; PARITY_RUNS sets
 * the number of sequences (default 200).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import express from "express";
import session from "express-session";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/connect-flash.js";
import type { FlashStore, StoredFlash } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { createBrowserClient, runNoLossWorkload, type StartedServer, startServer } from "../src/testing/index.js";
import { FLASHES_PER_ROUND, NO_LOSS_SECRET, pause, ROUNDS } from "./no-loss-suite.js";

// Loaded untyped: @types/connect-flash declares its own Express.Request["flash"], which would clash
// with flashkit's (an app uses one or the other).
const connectFlash = createRequire(import.meta.url)("connect-flash") as (options?: object) => express.RequestHandler;

const SECRET = "connect-flash-parity-secret-0123456789-abcdef";
const SEED = Number(process.env.PARITY_SEED ?? 20_130_101);
const RUNS = Number(process.env.PARITY_RUNS ?? 200);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

type Call = unknown[];
type LooseFlash = (...args: unknown[]) => unknown;

/** Adds `POST /do` (a list of `req.flash(...args)` calls, answered as JSON; a throw answers 500). */
function doRoute(app: express.Express): express.Express {
  app.post("/do", (req, res) => {
    const calls = req.body as Call[];
    try {
      res.json(calls.map((args) => (req.flash as unknown as LooseFlash)(...args)));
    } catch (error) {
      res.status(500).json({ error: String(error) });
    }
  });
  return app;
}

function realConnectFlashApp(): express.Express {
  const app = express();
  app.use(express.json());
  app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
  app.use(connectFlash());
  return doRoute(app);
}

function flashkitApp(store: FlashStore, dropped: StoredFlash[]): express.Express {
  const app = express();
  app.use(express.json());
  // Limits high enough for the longest sequence: the differential is about semantics.
  app.use(flash({ store, maxMessages: 1000, onDrop: (messages) => dropped.push(...messages) }));
  return doRoute(app);
}

interface Target {
  readonly name: string;
  server: StartedServer;
}

/** One browser per target, running the same requests. */
function clients(targets: readonly Target[]) {
  const browsers = targets.map((target) => createBrowserClient(target.server.url));
  return async function run(calls: Call[]): Promise<string[]> {
    return Promise.all(
      browsers.map(async (browser) => {
        const response = await browser.fetch("/do", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(calls),
        });
        return `${response.status} ${await response.text()}`;
      }),
    );
  };
}

// ---------------------------------------------------------------------------------------------
// Generators

const TYPES = ["info", "error", "success", "a b", "10", "2", "é"];
const FALSY = ["", null, 0, false];
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom("Flash is back!", "héllo ✓ 🎉", "<b>x</b>", 'a;b=c, "q"', "%s", ""),
);
const message = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, null, false, 1, true, 2.5) },
  { weight: 1, arbitrary: fc.record({ n: fc.integer({ min: -5, max: 5 }), s: fc.string({ maxLength: 3 }) }) },
);
const type = fc.constantFrom(...TYPES);
const formatString = fc.constantFrom<unknown>(
  "%s",
  "%s and %s",
  "%d%%",
  "%i",
  "%f",
  "%j",
  "%o",
  "%O",
  "%c|%s",
  "x",
  "",
);
const formatArg = fc.oneof(
  text,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const call: fc.Arbitrary<Call> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(type, message) },
  { weight: 2, arbitrary: fc.tuple(type, fc.array(message, { minLength: 1, maxLength: 3 })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        type,
        fc.oneof(formatString, fc.array(text, { minLength: 1, maxLength: 2 })),
        fc.array(formatArg, { minLength: 1, maxLength: 3 }),
      )
      .map(([t, f, args]) => [t, f, ...args]),
  },
  { weight: 3, arbitrary: fc.tuple(type) },
  { weight: 1, arbitrary: fc.constant<Call>([]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FALSY), message) },
);
/** A sequence of requests, each a list of calls; a final `req.flash()` shows what was left. */
const sequence = fc
  .array(fc.array(call, { maxLength: 5 }), { minLength: 1, maxLength: 5 })
  .map((requests) => [...requests, [[]]]);

// ---------------------------------------------------------------------------------------------

describe("flashkit/connect-flash = connect-flash (differential, through a browser's cookie jar)", () => {
  const dropped: StoredFlash[] = [];
  const targets: Target[] = [];

  beforeAll(async () => {
    targets.push(
      { name: "connect-flash + express-session", server: await startServer(realConnectFlashApp()) },
      {
        name: "flashkit/connect-flash, cookie store",
        server: await startServer(flashkitApp(cookieStore({ secret: SECRET, maxBytes: 14_000 }), dropped)),
      },
      { name: "flashkit/connect-flash, memory store", server: await startServer(flashkitApp(memoryStore(), dropped)) },
    );
  });
  afterAll(() => Promise.all(targets.map((target) => target.server.close())));

  /** Runs `requests` on every target and returns connect-flash's replies, after checking the others match. */
  async function same(requests: Call[][]): Promise<unknown[]> {
    const run = clients(targets);
    const replies: unknown[] = [];
    for (const calls of requests) {
      const [reference = "", ...others] = await run(calls);
      for (const [index, reply] of others.entries()) {
        expect(reply, `${targets[index + 1]?.name}, calls ${JSON.stringify(calls)}`).toBe(reference);
      }
      replies.push(JSON.parse(reference.slice(4)));
    }
    return replies;
  }

  it(`gives identical results on ${RUNS} random sequences of requests (seed ${SEED})`, async () => {
    let requests = 0;
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(sequence, async (seq) => {
        requests += seq.length;
        calls += seq.reduce((sum, list) => sum + list.length, 0);
        await same(seq);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(
      `connect-flash parity: ${RUNS} sequences, ${requests} requests, ${calls} req.flash calls, 0 divergences (seed ${SEED})`,
    );
    expect(dropped).toEqual([]);
  });

  it("runs connect-flash's README usage identically", async () => {
    expect(await same([[["info", "Flash is back!"]], [["info"]], [["info"]]])).toEqual([
      [1],
      [["Flash is back!"]],
      [[]],
    ]);
  });

  it("runs the example of connect-flash's JSDoc identically (req.flash() omits a type it returned)", async () => {
    expect(
      await same([
        [["info", "email sent"], ["error", "email delivery failed"], ["info", "email re-sent"], ["info"], ["info"], []],
        [["info", "email has been sent to %s.", "ada"], []],
      ]),
    ).toEqual([
      [1, 1, 2, ["email sent", "email re-sent"], [], { error: ["email delivery failed"] }],
      [1, { info: ["email has been sent to ada."] }],
    ]);
  });

  it("differs only where connect-flash throws: an empty array, a type named like an Object.prototype member", async () => {
    const run = clients(targets);
    const [real, cookie, memory] = await run([["info", []]]);
    expect(real).toMatch(/^500 .*Cannot read properties of undefined/);
    expect(cookie).toBe("200 [0]");
    expect(memory).toBe("200 [0]");
    for (const name of ["constructor", "toString", "__proto__"]) {
      const [realFlash, ...ours] = await run([[name, "x"], [name]]);
      expect(realFlash, name).toMatch(/^500 /);
      for (const reply of ours) expect(reply, name).toBe(`200 [1,["x"]]`);
    }
    const [, ...all] = await run([["__proto__", "y"], []]);
    for (const reply of all) expect(JSON.parse(reply.slice(4))).toEqual([1, JSON.parse('{"__proto__":["y"]}')]);
  });
});

// ---------------------------------------------------------------------------------------------

/** The routes of test/no-loss-suite.ts, on connect-flash's API, after `setup`. */
function noLossApp(setup: (app: express.Express) => void): express.Express {
  const app = express();
  setup(app);
  app.post("/flash/:id", async (req, res) => {
    req.flash("message", req.params.id);
    await pause();
    res.json(null);
  });
  app.get("/read", async (req, res) => {
    await pause();
    res.json(req.flash("message"));
  });
  return app;
}

/** The no-loss workload, after one read that starts connect-flash's session (so the loss is only from overlap). */
async function overlappingRounds(server: StartedServer) {
  const result = await runNoLossWorkload(server.url, {
    rounds: ROUNDS,
    flashesPerRound: FLASHES_PER_ROUND,
    startSession: true,
  });
  return {
    flashed: result.flashed.length,
    lost: result.lost.length,
    twice: result.shownTwice,
    cookiesLeft: result.cookiesLeft,
  };
}

describe("overlapping requests: connect-flash loses messages, flashkit/connect-flash none", () => {
  const cases: Array<[string, () => express.Express, boolean]> = [
    [
      "connect-flash + express-session (MemoryStore)",
      () =>
        noLossApp((app) => {
          app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
          app.use(connectFlash());
        }),
      false,
    ],
    [
      "flashkit/connect-flash, cookie store",
      () => noLossApp((app) => app.use(flash({ store: cookieStore({ secret: NO_LOSS_SECRET }) }))),
      true,
    ],
    ["flashkit/connect-flash, memory store", () => noLossApp((app) => app.use(flash({ store: memoryStore() }))), true],
  ];

  it.each(cases)("%s", async (label, makeApp, flashkit) => {
    const server = await startServer(makeApp());
    try {
      const result = await overlappingRounds(server);
      console.log(
        `no-loss (${label}): ${result.flashed} flashed, ${result.lost} lost ` +
          `(${((100 * result.lost) / result.flashed).toFixed(1)}%), ${result.twice} shown more than once`,
      );
      expect(result.flashed).toBe(ROUNDS * FLASHES_PER_ROUND);
      if (flashkit) {
        expect(result.lost).toBe(0);
        expect(result.cookiesLeft).toBe(0);
      }
    } finally {
      await server.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

const BUILT = fileURLToPath(new URL("../dist/adapters/connect-flash.js", import.meta.url));
const SERVER_JS = fileURLToPath(new URL("../examples/connect-flash/server.js", import.meta.url));

describe("the built package: CommonJS require() and the migrated example", () => {
  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error("dist/ is missing: run `npm run build` before these tests");
  });

  it('require("flashkit/connect-flash") is the middleware factory, as require("connect-flash") was', async () => {
    // A CommonJS app as it was written for connect-flash, with only the require() changed.
    const script = `
      const express = require("express");
      const flash = require("flashkit/connect-flash");
      const app = express();
      app.use(flash());
      app.get("/flash", (req, res) => res.json(req.flash("info", "from CommonJS")));
      app.get("/read", (req, res) => res.json(req.flash("info")));
      const server = app.listen(0, "127.0.0.1", async () => {
        const base = "http://127.0.0.1:" + server.address().port;
        const flashed = await fetch(base + "/flash");
        const cookie = flashed.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
        const read = await fetch(base + "/read", { headers: { cookie } });
        console.log(JSON.stringify([typeof flash, await flashed.json(), await read.json()]));
        server.close();
      });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=commonjs", "-e", script], {
      cwd: ROOT,
      env: { ...process.env, FLASH_SECRET: SECRET },
    });
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual(["function", 1, ["from CommonJS"]]);
  });

  describe("examples/connect-flash/server.js", () => {
    let child: ChildProcess | undefined;
    let url = "";

    beforeAll(async () => {
      const started = spawn(process.execPath, [SERVER_JS], {
        cwd: ROOT,
        env: { ...process.env, PORT: "0", FLASH_SECRET: SECRET, NODE_ENV: "production" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = started;
      url = await new Promise<string>((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => reject(new Error(`example did not start: ${output}`)), 10_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          }
        };
        started.stdout?.on("data", onData);
        started.stderr?.on("data", onData);
        started.once("exit", (code) => reject(new Error(`example exited with ${code}: ${output}`)));
      });
    });
    afterAll(() => {
      child?.kill();
    });

    it("shows each message once after its redirect, escaped, with signed flash cookies and no session", async () => {
      const browser = createBrowserClient(url);
      const post = (body: string) =>
        browser.fetch("/notes", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
          redirect: "manual",
        });
      expect(await (await browser.fetch("/")).text()).not.toContain('class="flash');

      expect(await (await browser.fetch("/flash")).text()).toContain('<p class="flash info">Flash is back!</p>');
      expect(browser.cookies()).toEqual([]);

      expect((await post("note=")).status).toBe(302);
      expect(browser.cookies().map((cookie) => cookie.name)).toEqual([expect.stringMatching(/^flash\.[0-9a-z]{17}$/)]);
      expect(await (await browser.fetch("/")).text()).toContain(
        '<p class="flash error">Please write a note first.</p>',
      );

      await post("note=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
      const page = await (await browser.fetch("/")).text();
      expect(page).toContain('<p class="flash info">Saved note 1: &lt;script&gt;alert(1)&lt;/script&gt;</p>');
      expect(page).not.toContain("Please write");
      expect(await (await browser.fetch("/")).text()).not.toContain('class="flash');
      expect(browser.cookies()).toEqual([]);
    });
  });
});
