import type { AddressInfo } from "node:net";
import fastifySecureSession from "@fastify/secure-session";
import fastifySession from "@fastify/session";
import cookieSession from "cookie-session";
import express, { type RequestHandler } from "express";
import expressSession from "express-session";
import type Fastify from "fastify";
import Koa from "koa";
import koaSession from "koa-session";
import { afterEach, describe, expect, it } from "vitest";
import { fastifySessionApp } from "../../test/fastify-session-app.js";
import { TRICKY_MESSAGES } from "../../test/store-suite.js";
import { flash as expressFlash } from "../adapters/express.js";
import { flash as koaFlash } from "../adapters/koa.js";
import { createFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import type { FlashRequest, FlashStore } from "../core/types.js";
import { createBrowserClient } from "../testing/browser-client.js";
import { type StartedServer, startServer } from "../testing/server.js";
import { sessionStore } from "./session.js";

type Session = Record<string, unknown>;

/** A FlashRequest over a session object (no cookies: the session middleware owns them). */
function sessionRequest(session: Session | undefined): FlashRequest & { setCookies: string[] } {
  const setCookies: string[] = [];
  return {
    cookieHeader: undefined,
    setCookies,
    appendSetCookie: (header) => setCookies.push(header),
    session,
  };
}

/** One request over `session`: open a jar, run `body`, commit. */
async function visit(store: FlashStore, session: Session | undefined, body: (jar: FlashJar) => void = () => {}) {
  const request = sessionRequest(session);
  // Some tests flash 15 messages in one request, past the default maxAddedMessages (8).
  const jar = createFlash({ store, maxMessages: 50, maxAddedMessages: 50 }).open(request);
  await jar.load();
  body(jar);
  await jar.commit();
  return request;
}

describe("sessionStore over a plain session object", () => {
  it("keeps Flask's shape under _flashes and removes the key once everything was read", async () => {
    const store = sessionStore();
    const session: Session = { user_id: 7 };
    await visit(store, session, (jar) => {
      jar.flash("Saved", "success");
      jar.flash("plain");
    });
    expect(session).toEqual({
      user_id: 7,
      _flashes: [
        ["success", "Saved"],
        ["message", "plain"],
      ],
    });
    let got: unknown[] = [];
    await visit(store, session, (jar) => {
      got = jar.getFlashedMessages({ withCategories: true });
    });
    expect(got).toEqual([
      ["success", "Saved"],
      ["message", "plain"],
    ]);
    expect(session).toEqual({ user_id: 7 });
  });

  it("reads what Flask (or any code) wrote under _flashes", async () => {
    const session: Session = {
      _flashes: [
        ["error", "Invalid username or password"],
        ["message", { any: "json" }],
      ],
    };
    let got: unknown[] = [];
    await visit(sessionStore(), session, (jar) => {
      got = jar.getFlashedMessages({ withCategories: true, categoryFilter: ["error"] });
    });
    expect(got).toEqual([["error", "Invalid username or password"]]);
    expect(session).toEqual({});
  });

  it("round-trips every kind of message verbatim, in order, as JSON would", async () => {
    const store = sessionStore();
    const session: Session = {};
    const when = new Date(0);
    await visit(store, session, (jar) => {
      for (const [i, message] of TRICKY_MESSAGES.entries()) jar.flash(message, i % 2 ? "error" : "ünï cat");
      jar.flash({ when }, "dated");
    });
    // The session holds JSON copies, so a message object changed after flash() is not affected.
    const list = session._flashes as unknown[];
    expect(list.at(-1)).toEqual(["dated", { when: "1970-01-01T00:00:00.000Z" }]);
    let got: unknown[] = [];
    await visit(store, session, (jar) => {
      got = jar.getFlashedMessages({ withCategories: true });
    });
    expect(got).toEqual([
      ...TRICKY_MESSAGES.map((m, i) => [i % 2 ? "error" : "ünï cat", m]),
      ["dated", { when: "1970-01-01T00:00:00.000Z" }],
    ]);
    expect(session).toEqual({});
  });

  it("writes nothing for a request that neither flashed nor read, or read an empty session", async () => {
    const store = sessionStore();
    const pending = [["message", "pending"]];
    const session: Session = { _flashes: pending };
    await visit(store, session, (jar) => jar.peek());
    expect(session._flashes).toBe(pending);
    const empty: Session = {};
    await visit(store, empty, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
    expect(empty).toEqual({});
  });

  it("assigns a new list instead of changing the old one, for sessions that compare content", async () => {
    const store = sessionStore();
    const before = [["message", "a"]];
    const session: Session = { _flashes: before };
    await visit(store, session, (jar) => jar.flash("b"));
    expect(before).toEqual([["message", "a"]]);
    expect(session._flashes).toEqual([
      ["message", "a"],
      ["message", "b"],
    ]);
  });

  it("applies deltas: with one live session object, a concurrent flash survives a read that started before it", async () => {
    const store = sessionStore();
    const session: Session = {};
    await visit(store, session, (jar) => jar.flash("first"));
    const flash = createFlash({ store });
    const reader = flash.open(sessionRequest(session));
    const flasher = flash.open(sessionRequest(session));
    await reader.load();
    await flasher.load();
    expect(reader.getFlashedMessages()).toEqual(["first"]);
    flasher.flash("second");
    await flasher.commit();
    await reader.commit();
    expect(session._flashes).toEqual([["message", "second"]]);
  });

  it("removes what was read by content, from a session reloaded as a copy in the meantime", async () => {
    const store = sessionStore();
    const original: Session = {
      _flashes: [
        ["message", "twice"],
        ["message", "twice"],
        ["info", { k: 1 }],
      ],
    };
    const copy: Session = structuredClone(original);
    const request = sessionRequest(original);
    const jar = createFlash({ store }).open(request);
    await jar.load();
    expect(jar.getFlashedMessages()).toEqual(["twice", "twice", { k: 1 }]);
    jar.flash("late");
    (request as { session: Session }).session = copy;
    await jar.commit();
    expect(copy).toEqual({ _flashes: [["message", "late"]] });
  });

  it("adds to a regenerated session and finds nothing to remove there", async () => {
    const store = sessionStore();
    const request = sessionRequest({ _flashes: [["message", "old"]] });
    const jar = createFlash({ store }).open(request);
    await jar.load();
    jar.getFlashedMessages();
    jar.flash("You were logged in", "success");
    const fresh: Session = {};
    (request as { session: Session }).session = fresh;
    await jar.commit();
    expect(fresh).toEqual({ _flashes: [["success", "You were logged in"]] });
  });

  it("keeps messages that were not read, and keep() keeps what was read", async () => {
    const store = sessionStore();
    const session: Session = {};
    await visit(store, session, (jar) => jar.flash("a"));
    await visit(store, session);
    await visit(store, session, (jar) => {
      expect(jar.getFlashedMessages()).toEqual(["a"]);
      jar.keep();
    });
    await visit(store, session, (jar) => expect(jar.getFlashedMessages()).toEqual(["a"]));
    await visit(store, session, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
    expect(session).toEqual({});
  });

  it("skips malformed entries on load and leaves them where they are", async () => {
    const store = sessionStore();
    const junk = ["not a pair", [1, "numeric category"], ["a", "b", "c"], null];
    const session: Session = { _flashes: [...junk, ["message", "real"]] };
    let got: unknown[] = [];
    await visit(store, session, (jar) => {
      got = jar.getFlashedMessages();
    });
    expect(got).toEqual(["real"]);
    expect(session._flashes).toEqual(junk);
    const notAList: Session = { _flashes: "garbage" };
    await visit(store, notAList, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
    expect(notAList._flashes).toBe("garbage");
  });

  it("uses get() and set() when the session has them, and set(key, undefined) to remove", async () => {
    const data: Session = {};
    const calls: string[] = [];
    const session = {
      get: (key: string) => {
        calls.push(`get ${key}`);
        return data[key];
      },
      set: (key: string, value: unknown) => {
        calls.push(`set ${key}`);
        data[key] = value;
      },
    };
    const store = sessionStore({ key: "flashes" });
    await visit(store, session, (jar) => jar.flash("via set"));
    expect(data).toEqual({ flashes: [["message", "via set"]] });
    await visit(store, session, (jar) => expect(jar.getFlashedMessages()).toEqual(["via set"]));
    expect(data).toEqual({ flashes: undefined });
    expect(calls).toEqual(["get flashes", "get flashes", "set flashes", "get flashes", "get flashes", "set flashes"]);
  });

  it("uses `flashes` in a session that does not save `_` keys (koa-session), and refuses an explicit `_` key there", async () => {
    class PrivateDroppingSession {
      [key: string]: unknown;
      toJSON() {
        return Object.fromEntries(Object.entries(this).filter(([k]) => !k.startsWith("_")));
      }
    }
    const session = new PrivateDroppingSession();
    const store = sessionStore();
    await visit(store, session, (jar) => jar.flash("kept"));
    expect(session.toJSON()).toEqual({ flashes: [["message", "kept"]] });
    await visit(store, session, (jar) => expect(jar.getFlashedMessages()).toEqual(["kept"]));
    expect(session.toJSON()).toEqual({});
    await expect(visit(sessionStore({ key: "_mine" }), session)).rejects.toThrowError(
      /does not save keys that start with "_"/,
    );
    const plainWithJson = { toJSON: () => ({ all: "kept" }) };
    await visit(sessionStore({ key: "mine" }), plainWithJson, (jar) => jar.flash("x"));
    expect(plainWithJson).toMatchObject({ mine: [["message", "x"]] });
  });

  it("throws ERR_FLASH_CONFIG naming the session middleware when the request has no session", async () => {
    const store = sessionStore();
    for (const session of [undefined, null]) {
      const request = sessionRequest(session as undefined);
      expect(() => store.load(request)).toThrowError(FlashError);
      expect(() => store.load(request)).toThrowError(
        /express-session or cookie-session.*@fastify\/session.*koa-session/,
      );
      expect(() => store.commit(request, { remove: [], add: [] })).toThrowError(/needs a session/);
    }
  });

  it("caps the bytes of pending messages with maxBytes, and refuses a message larger than that", async () => {
    const store = sessionStore({ maxBytes: 40 });
    const session: Session = {};
    await visit(store, session, (jar) => {
      expect(() => jar.flash("x".repeat(40))).toThrowError(/too large for the session store/);
    });
    await visit(store, session, (jar) => {
      for (const m of ["one", "two", "three"]) jar.flash(m);
    });
    // ["message","one"] is 17 bytes of JSON, plus one: the oldest goes.
    expect(session._flashes).toEqual([
      ["message", "two"],
      ["message", "three"],
    ]);
  });

  it("checks its options", () => {
    expect(() => sessionStore({ key: "" })).toThrowError(/non-empty string/);
    expect(() => sessionStore({ maxBytes: 0 })).toThrowError(/maxBytes must be positive/);
    expect(sessionStore().name).toBe("session");
  });
});

// Real session middleware: flash on /flash (a redirect), read on /read, peek at the raw session on
// /raw, and /quiet touches nothing. Each must carry the messages in its own cookie (or store), send
// no Set-Cookie for a quiet request, and leave no `_flashes` once everything was read.
describe("sessionStore with real session middleware", () => {
  const servers: StartedServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const secret = "a-session-secret-of-at-least-32-characters";

  function expressApp(session: RequestHandler) {
    const app = express();
    app.use(session);
    app.use(expressFlash({ store: sessionStore() }));
    app.get("/flash", (req, res) => {
      req.flash("Profile updated successfully!", "success");
      req.flash({ title: "JSON too" }, "toast");
      res.redirect("/read");
    });
    app.get("/read", (req, res) => {
      res.json(req.getFlashedMessages({ withCategories: true }));
    });
    app.get("/raw", (req, res) => {
      res.json({ flashes: (req as unknown as { session: Session }).session._flashes ?? null });
    });
    app.get("/quiet", (_req, res) => {
      res.send("quiet");
    });
    return app;
  }

  async function fastifyApp(register: (app: ReturnType<typeof Fastify>) => Promise<void>) {
    const app = await fastifySessionApp(register, (request) => {
      request.flash("Profile updated successfully!", "success");
      request.flash({ title: "JSON too" }, "toast");
    });
    await app.ready();
    return (req: Parameters<typeof app.routing>[0], res: Parameters<typeof app.routing>[1]) => app.routing(req, res);
  }

  function koaApp() {
    const app = new Koa();
    app.keys = [secret];
    app.use(koaSession({ signed: true }, app));
    app.use(koaFlash({ store: sessionStore() }));
    app.use(async (ctx) => {
      if (ctx.path === "/flash") {
        ctx.flash("Profile updated successfully!", "success");
        ctx.flash({ title: "JSON too" }, "toast");
        ctx.redirect("/read");
      } else if (ctx.path === "/read") {
        ctx.body = ctx.getFlashedMessages({ withCategories: true });
      } else if (ctx.path === "/raw") {
        // koa-session saves no key that starts with "_", so the store uses "flashes" there.
        ctx.body = { flashes: (ctx.session as Session | null)?.flashes ?? null };
      } else {
        ctx.body = "quiet";
      }
    });
    return app.callback();
  }

  const integrations: Array<[string, string, () => Promise<Parameters<typeof startServer>[0]>]> = [
    [
      "express-session (Express)",
      "connect.sid",
      async () => expressApp(expressSession({ secret, resave: false, saveUninitialized: false })),
    ],
    ["cookie-session (Express)", "session", async () => expressApp(cookieSession({ keys: [secret] }))],
    [
      "@fastify/session (Fastify)",
      "sessionId",
      () =>
        fastifyApp(async (app) => {
          await app.register(fastifySession, {
            secret,
            saveUninitialized: false,
            rolling: false,
            cookie: { secure: false },
          });
        }),
    ],
    [
      "@fastify/secure-session (Fastify)",
      "session",
      () =>
        fastifyApp(async (app) => {
          await app.register(fastifySecureSession, { key: Buffer.alloc(32, 3), cookie: { path: "/" } });
        }),
    ],
    ["koa-session (Koa)", "koa.sess", async () => koaApp()],
  ];

  it.each(integrations)("carries messages in %s", async (_label, cookieName, makeApp) => {
    const server = await startServer(await makeApp());
    servers.push(server);
    const browser = createBrowserClient(server.url);
    const get = async (path: string) => {
      const res = await browser.fetch(path, { redirect: "manual" });
      return { status: res.status, setCookies: res.headers.getSetCookie(), body: await res.text() };
    };
    expect((await get("/quiet")).setCookies).toEqual([]);
    const flashed = await get("/flash");
    expect(flashed.status).toBe(302);
    expect(flashed.setCookies.length).toBeGreaterThan(0);
    expect(browser.cookies().map((c) => c.name)).toContain(cookieName);
    expect(browser.cookies().some((c) => c.name.startsWith("flash."))).toBe(false);
    expect(JSON.parse((await get("/raw")).body)).toEqual({
      flashes: [
        ["success", "Profile updated successfully!"],
        ["toast", { title: "JSON too" }],
      ],
    });
    expect((await get("/quiet")).setCookies).toEqual([]);
    expect(JSON.parse((await get("/read")).body)).toEqual([
      ["success", "Profile updated successfully!"],
      ["toast", { title: "JSON too" }],
    ]);
    expect(JSON.parse((await get("/raw")).body)).toEqual({ flashes: null });
    expect(JSON.parse((await get("/read")).body)).toEqual([]);
  });

  it("fails with a clear FlashError when Express has no session middleware", async () => {
    const app = express();
    app.use(expressFlash({ store: sessionStore() }));
    app.get("/", (req, res) => {
      res.json(req.getFlashedMessages());
    });
    const errors: unknown[] = [];
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(500).end();
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.status).toBe(500);
    } finally {
      server.close();
    }
    expect(errors).toEqual([
      expect.objectContaining({ code: "ERR_FLASH_CONFIG", message: expect.stringMatching(/express-session/) }),
    ]);
  });
});
