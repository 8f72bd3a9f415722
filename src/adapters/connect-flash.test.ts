import express5 from "express";
import express4 from "express4";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectBadConfigurationFails, slowStore } from "../../test/adapter-helpers.js";
import { fakeRequest, SECRET, testJar } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import { memoryStore } from "../stores/memory.js";
import { createBrowserClient } from "../testing/browser-client.js";
import { type StartedServer, startServer } from "../testing/server.js";
import connectFlashDefault, { type ConnectFlashOptions, connectFlashFunction, flash } from "./connect-flash.js";
import { flash as flaskFlash } from "./express.js";

type ExpressFactory = typeof express5;
type LooseFlash = (...args: unknown[]) => unknown;

const servers: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  vi.unstubAllEnvs();
});

const versions: Array<[string, ExpressFactory]> = [
  ["Express 5", express5],
  ["Express 4", express4 as unknown as ExpressFactory],
];

/**
 * An app whose `POST /do` runs a list of `req.flash(...args)` calls in one request and answers their
 * results; `setup` adds middleware before it.
 */
async function start(express: ExpressFactory, setup: (app: ReturnType<ExpressFactory>) => void) {
  const app = express();
  app.use(express.json());
  setup(app);
  app.post("/do", (req, res) => {
    const calls = req.body as unknown[][];
    res.json(calls.map((args) => (req.flash as unknown as LooseFlash)(...args)));
  });
  const server = await startServer(app);
  servers.push(server);
  const browser = createBrowserClient(server.url);
  const run = async (...calls: unknown[][]): Promise<unknown[]> => {
    const response = await browser.fetch("/do", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(calls),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as unknown[];
  };
  return { browser, run, url: server.url };
}

describe.each(versions)("flashkit/connect-flash on %s", (_name, express) => {
  const withFlash = (options: ConnectFlashOptions = { secret: SECRET }) =>
    start(express, (app) => app.use(flash(options)));

  it("runs connect-flash's README example: flash, redirect, read", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    app.get("/flash", (req, res) => {
      req.flash("info", "Flash is back!");
      res.redirect("/");
    });
    app.get("/", (req, res) => {
      res.json({ messages: req.flash("info") });
    });
    const server = await startServer(app);
    servers.push(server);
    const browser = createBrowserClient(server.url);
    const page = await browser.fetch("/flash");
    expect(await page.json()).toEqual({ messages: ["Flash is back!"] });
    expect(await (await browser.fetch("/")).json()).toEqual({ messages: [] });
    expect(browser.cookies()).toEqual([]);
  });

  it("runs the example of connect-flash's JSDoc (as connect-flash really behaves)", async () => {
    const { run } = await withFlash();
    expect(await run(["info", "email sent"], ["error", "email delivery failed"], ["info", "email re-sent"])).toEqual([
      1, 1, 2,
    ]);
    expect(await run(["info"], ["info"], [])).toEqual([
      ["email sent", "email re-sent"],
      [],
      // The JSDoc shows `info: []` too, but connect-flash deletes a type it returned.
      { error: ["email delivery failed"] },
    ]);
    expect(await run([])).toEqual([{}]);
  });

  it("returns and clears only the type asked for; the count is what is pending of that type", async () => {
    const { run, browser } = await withFlash();
    expect(await run(["error", "e1"], ["info", "i1"], ["error", "e2"])).toEqual([1, 1, 2]);
    expect(browser.cookies()).toHaveLength(3);
    expect(await run(["error", "e3"], ["error"], ["error", "e4"])).toEqual([3, ["e1", "e2", "e3"], 1]);
    expect(browser.cookies()).toHaveLength(2);
    expect(await run(["info", "i2"], [])).toEqual([2, { info: ["i1", "i2"], error: ["e4"] }]);
    expect(browser.cookies()).toEqual([]);
  });

  it("follows connect-flash's argument rules: falsy message reads, falsy type reads all, arrays, util.format", async () => {
    const { run } = await withFlash();
    expect(await run(["t", ["a", "b"]], ["t", ""], ["t", "x"], ["t", 0], ["t", null])).toEqual([
      2,
      ["a", "b"],
      1,
      ["x"],
      [],
    ]);
    expect(await run(["a", "1"], ["b", "2"], ["", "ignored"])).toEqual([1, 1, { a: ["1"], b: ["2"] }]);
    expect(await run(["a", "1"], [0, "x"], [null])).toEqual([1, { a: ["1"] }, {}]);
    expect(
      await run(
        ["f", "email sent to %s.", "ada@example.com"],
        ["f", "%d items, %j, %%", 3, { a: 1 }],
        ["f", "extra", "args", 1],
        ["f", ["an", "array"], "formatted"],
        ["f"],
      ),
    ).toEqual([
      1,
      2,
      3,
      4,
      ["email sent to ada@example.com.", '3 items, {"a":1}, %', "extra args 1", "[ 'an', 'array' ] formatted"],
    ]);
    // A falsy message with more arguments is still a read, as in connect-flash.
    expect(await run(["g", "x"], ["g", "", "ignored"])).toEqual([1, ["x"]]);
  });

  it("returns messages flashed earlier in the same request, and types in connect-flash's key order", async () => {
    const { run } = await withFlash();
    expect(await run(["b", "1"], ["a", "2"])).toEqual([1, 1]);
    expect(await run(["b"], ["b", "3"], ["c", "4"], ["a", "5"], ["10", "six"])).toEqual([["1"], 1, 1, 2, 1]);
    const [all] = await run([]);
    // As in a plain object: integer-like keys first, then insertion order, a re-created type at the end.
    expect(Object.keys(all as object)).toEqual(["10", "a", "b", "c"]);
    expect(all).toEqual({ 10: ["six"], a: ["2", "5"], b: ["3"], c: ["4"] });
  });

  it("keeps JSON messages; coerces a non-string type; stores undefined as null, as the session's JSON did", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    app.get("/set", (req, res) => {
      const loose = req.flash as unknown as LooseFlash;
      res.json([loose("obj", { n: 1, list: [true] }), loose(42, 7), loose("arr", ["x", undefined])]);
    });
    app.get("/get", (req, res) => res.json([req.flash("obj"), (req.flash as unknown as LooseFlash)(42), req.flash()]));
    const server = await startServer(app);
    servers.push(server);
    const browser = createBrowserClient(server.url);
    expect(await (await browser.fetch("/set")).json()).toEqual([1, 1, 2]);
    expect(await (await browser.fetch("/get")).json()).toEqual([[{ n: 1, list: [true] }], [7], { arr: ["x", null] }]);
  });

  it("needs no session, signs its cookies, and writes nothing on requests that neither flash nor read", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    app.get("/flash", (req, res) => {
      req.flash("info", "signed");
      res.end();
    });
    app.get("/quiet", (_req, res) => res.end("quiet"));
    app.get("/read", (req, res) => res.json(req.flash("info")));
    const server = await startServer(app);
    servers.push(server);
    const browser = createBrowserClient(server.url);
    await browser.fetch("/flash");
    const [cookie] = browser.cookies();
    expect(cookie?.name).toMatch(/^flash\.[0-9a-z]{17}$/);
    expect(cookie?.value).toMatch(/^[\w-]+\.[\w-]{43}$/);
    const quiet = await browser.fetch("/quiet");
    expect(quiet.headers.getSetCookie()).toEqual([]);
    const forged = await fetch(`${server.url}/read`, {
      headers: { cookie: `${cookie?.name}=${cookie?.value.slice(0, -2)}xx` },
    });
    expect(await forged.json()).toEqual([]);
    expect(await (await browser.fetch("/read")).json()).toEqual(["signed"]);
  });

  it("leaves an existing req.flash alone unless `unsafe`, as connect-flash does", async () => {
    const existing = () => "existing";
    const keep = await start(express, (app) => {
      app.use((req, _res, next) => {
        (req as unknown as { flash: unknown }).flash = existing;
        next();
      });
      app.use(flash({ secret: SECRET }));
    });
    expect(await keep.run(["info", "x"])).toEqual(["existing"]);
    const replace = await start(express, (app) => {
      app.use((req, _res, next) => {
        (req as unknown as { flash: unknown }).flash = existing;
        next();
      });
      app.use(flash({ secret: SECRET, unsafe: true }));
    });
    expect(await replace.run(["info", "x"])).toEqual([1]);
    // Installed twice (an app and a router, say): the second one sees req.flash and steps aside.
    const twice = await start(express, (app) => {
      app.use(flash({ secret: SECRET }));
      app.use(flash({ secret: SECRET }));
    });
    expect(await twice.run(["info", "x"], ["info", "y"])).toEqual([1, 2]);
    expect(await twice.run(["info"])).toEqual([["x", "y"]]);
  });

  it("after flashkit/express, takes over its req.flash even without `unsafe` (a Flask-style flash would misread connect-flash calls)", async () => {
    const instance = createFlash({ store: memoryStore() });
    const { run } = await start(express, (app) => {
      app.use(flaskFlash(instance));
      app.use(flash({ store: instance.store }));
    });
    expect(await run(["error", "Bad"])).toEqual([1]);
    expect(await run(["error"])).toEqual([["Bad"]]);
  });

  it("with `unsafe`, takes over flashkit/express's req.flash and shares its jar", async () => {
    const instance = createFlash({ store: memoryStore() });
    const { run } = await start(express, (app) => {
      app.use(flaskFlash(instance));
      app.use((req, _res, next) => {
        req.flash("flashed with flashkit/express", "info");
        next();
      });
      app.use(flash({ store: instance.store, unsafe: true }));
    });
    expect(await run(["info", "and with connect-flash"])).toEqual([2]);
    expect(await run(["info"])).toEqual([
      ["flashed with flashkit/express", "and with connect-flash", "flashed with flashkit/express"],
    ]);
  });

  it("works over any store, and waits for an asynchronous one", async () => {
    const inner = memoryStore();
    const { run } = await withFlash({ store: slowStore(inner, [], 20) });
    expect(await run(["info", "one"], ["info", "two"])).toEqual([1, 2]);
    expect(inner.size).toBe(2);
    expect(await run(["info"])).toEqual([["one", "two"]]);
    expect(inner.size).toBe(0);
  });

  it("reads FLASH_SECRET when no secret or store is given, so `flash()` alone works in production", async () => {
    vi.stubEnv("FLASH_SECRET", SECRET);
    vi.stubEnv("NODE_ENV", "production");
    const first = await start(express, (app) => app.use(connectFlashDefault()));
    expect(await first.run(["info", "signed with FLASH_SECRET"])).toEqual([1]);
    // Another instance with the same secret verifies the cookie.
    const second = await start(express, (app) => app.use(flash({ secret: SECRET })));
    const response = await fetch(`${second.url}/do`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: first.browser.cookieHeader() },
      body: JSON.stringify([["info"]]),
    });
    expect(await response.json()).toEqual([["signed with FLASH_SECRET"]]);
    vi.stubEnv("FLASH_SECRET", "");
    expect(() => flash()).toThrowError(/needs a secret in production/);
  });

  it("fails at start-up on a bad configuration", () => {
    expectBadConfigurationFails(flash);
  });
});

/**
 * connect-flash's own test suite (test/flash-test.js) calls the middleware with mocks: a request that
 * is only `{ session: {} }` (or `new MockRequest()`), a bare response object, no headers, no server.
 * The same calls through flashkit/connect-flash: no cookies, no crash, and nothing installed on the
 * prototypes every object shares.
 */
describe("flashkit/connect-flash on connect-flash's own test mocks", () => {
  class MockRequest {
    session = {};
  }
  class MockRequestWithoutSession {}
  class MockResponse {}

  /** Runs the middleware on `req`/`res` as connect-flash's tests do (on the next tick), resolving with next's error. */
  function handle(req: object, res: object): Promise<unknown> {
    const middleware = flash({ secret: SECRET });
    return new Promise((resolve) => {
      process.nextTick(() => {
        try {
          middleware(req as never, res as never, (error?: unknown) => resolve(error ?? null));
        } catch (error) {
          resolve(error);
        }
      });
    });
  }

  const mocks: Array<[string, () => object, () => object]> = [
    ["new MockRequest(), new MockResponse()", () => new MockRequest(), () => new MockResponse()],
    ["{ session: {} }, {}", () => ({ session: {} }), () => ({})],
    ["new MockRequestWithoutSession(), {}", () => new MockRequestWithoutSession(), () => ({})],
    [
      "Object.create(null), Object.create(null)",
      () => Object.create(null) as object,
      () => Object.create(null) as object,
    ],
  ];

  it.each(mocks)(
    "%s: adds req.flash, sets and gets messages of several types, as connect-flash's tests do",
    async (_name, makeReq, makeRes) => {
      const req = makeReq() as { flash?: LooseFlash };
      expect(await handle(req, makeRes())).toBeNull();
      expect(req.flash).toBeTypeOf("function");
      const flashOf = req.flash as LooseFlash;
      expect(flashOf("error", "Something went wrong")).toBe(1);
      expect(flashOf("error")).toEqual(["Something went wrong"]);
      expect(flashOf("info", "Welcome")).toBe(1);
      expect(flashOf("info", "Check out this great new feature")).toBe(2);
      expect(flashOf("info")).toEqual(["Welcome", "Check out this great new feature"]);
      flashOf("info", "Welcome back");
      flashOf("notice", "Last login was yesterday");
      expect(flashOf("info")).toEqual(["Welcome back"]);
      expect(flashOf("notice")).toEqual(["Last login was yesterday"]);
      flashOf("error", "Database is down");
      flashOf("error", "Message queue is down");
      flashOf("notice", "Things are looking bleak");
      expect(flashOf()).toEqual({
        error: ["Database is down", "Message queue is down"],
        notice: ["Things are looking bleak"],
      });
      expect(flashOf("what")).toEqual([]);
    },
  );

  it("installs nothing on Object.prototype (or any prototype of a mock)", async () => {
    await handle({ session: {} }, {});
    await handle(new MockRequest(), new MockResponse());
    expect("flash" in {}).toBe(false);
    expect("getFlashedMessages" in {}).toBe(false);
    expect(Object.getOwnPropertySymbols(Object.prototype)).toEqual([]);
    expect(Object.getOwnPropertyNames(MockRequest.prototype)).toEqual(["constructor"]);
    expect(Object.getOwnPropertyNames(MockResponse.prototype)).toEqual(["constructor"]);
  });
});

/** connect-flash's reads and counts over a jar's consume() and remaining(), one request at a time. */
describe("connectFlashFunction over a jar", () => {
  function browserFlash() {
    const instance = createFlash({ store: memoryStore() });
    const browser = testJar();
    const request = (body: (flash: LooseFlash, jar: ReturnType<typeof instance.open>) => void): string[] => {
      const req = fakeRequest(browser.header());
      const jar = instance.open(req);
      jar.load();
      body(connectFlashFunction(jar) as LooseFlash, jar);
      jar.commit();
      browser.apply(req.setCookies);
      return req.setCookies;
    };
    return { browser, request };
  }

  it("reads and clears one type and leaves the others; the count is what is pending of that type", () => {
    const { request, browser } = browserFlash();
    request((flash) => {
      expect(flash("error", "e1")).toBe(1);
      expect(flash("info", "i1")).toBe(1);
      expect(flash("error", "e2")).toBe(2);
      expect(flash("error")).toEqual(["e1", "e2"]);
      expect(flash("error", ["e3", "e4"])).toBe(2);
    });
    expect(browser.cookies().length).toBe(3);
    const set = request((flash) => {
      expect(flash("error")).toEqual(["e3", "e4"]);
      expect(flash("error")).toEqual([]);
      expect(flash("info", "i2")).toBe(2);
    });
    expect(set.filter((header) => /Max-Age=0/i.test(header))).toHaveLength(2);
    request((flash) => expect(flash()).toEqual({ info: ["i1", "i2"] }));
    expect(browser.cookies().length).toBe(0);
  });

  it("shares the jar with getFlashedMessages() and keep(): neither returns what the other consumed", () => {
    const { request } = browserFlash();
    request((flash) => {
      flash("error", "e");
      flash("info", "i");
    });
    request((flash, jar) => {
      expect(flash("error")).toEqual(["e"]);
      expect(jar.getFlashedMessages()).toEqual(["i"]);
      expect(flash()).toEqual({});
      expect(flash("info", "late")).toBe(1);
      jar.keep();
    });
    request((flash) => expect(flash()).toEqual({ info: ["i", "late"] }));
  });
});
