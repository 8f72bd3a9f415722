import { createRequire } from "node:module";
import { Readable } from "node:stream";
import Koa3 from "koa";
import session from "koa-session";
import { describe, expect, it, vi } from "vitest";
import {
  brokenStore,
  manualBrowser as browser,
  expectBadConfigurationFails,
  expectBodyKinds,
  expectNowKeepPeek,
  expectRedirectFlow,
  expectRequestApiOnFirstUse,
  expectSecretFromEnvironment,
  FORGED_COOKIES,
  recordErrorCode,
  slowStore,
} from "../../test/adapter-helpers.js";
import { closedAfterEach, SECRET } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import type { FlashStore } from "../core/types.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { type StartedServer, startServer } from "../testing/server.js";
import { flash } from "./koa.js";

type KoaClass = typeof Koa3;
const Koa2 = (await import("koa2" as string)).default as KoaClass;
const servers = closedAfterEach<StartedServer>();

async function listen(app: Koa3): Promise<string> {
  const server = await startServer(app.callback());
  servers.push(server);
  return server.url;
}

it("runs Koa 3 as koa and Koa 2 as koa2", () => {
  const require = createRequire(import.meta.url);
  expect(require("koa/package.json").version).toMatch(/^3\./);
  expect(require("koa2/package.json").version).toMatch(/^2\./);
});

describe.each([
  ["Koa 3", Koa3],
  ["Koa 2", Koa2],
])("flashkit/koa on %s", (_name, Koa) => {
  /** An app with flash() installed, then `routes` (path → middleware), then a 404. */
  function makeApp(
    routes: Record<string, Koa3.Middleware> = {},
    options: Parameters<typeof flash>[0] = { secret: SECRET },
  ): Koa3 {
    const app = new Koa();
    app.silent = true;
    app.use(flash(options));
    const all: Record<string, Koa3.Middleware> = {
      "/flash": (ctx) => {
        ctx.flash(String(ctx.query.m ?? "hello"), String(ctx.query.c ?? "message"));
        ctx.redirect("/read");
      },
      "/read": (ctx) => {
        ctx.body = ctx.getFlashedMessages({ withCategories: true });
      },
      "/quiet": (ctx) => {
        ctx.body = "<p>no flash here</p>";
      },
      ...routes,
    };
    app.use((ctx, next) => (all[ctx.path] ?? (() => next()))(ctx, next));
    return app;
  }

  it("flashes across a redirect, shows each message once, and leaves quiet pages alone", async () => {
    const client = browser(await listen(makeApp()));
    expect((await client.get("/quiet")).res.headers.get("content-type")).toMatch(/^text\/html/);
    await expectRedirectFlow(client.get);
    expect(client.client.cookies()).toEqual([]);
  });

  it("commits before Koa sends the body, whatever the body: HTML, JSON, buffer, stream, none", async () => {
    const client = browser(
      await listen(
        makeApp({
          "/html": (ctx) => {
            ctx.flash("h");
            ctx.body = "<p>html</p>";
          },
          "/json": (ctx) => {
            ctx.flash({ any: "json" }, "info");
            ctx.body = { ok: true };
          },
          "/buffer": (ctx) => {
            ctx.flash("b");
            ctx.body = Buffer.from("bytes");
          },
          "/stream": async (ctx) => {
            ctx.flash("s");
            ctx.body = Readable.from(["streamed ", "body"]);
          },
          "/empty": (ctx) => {
            ctx.flash("e");
            ctx.status = 204;
          },
        }),
      ),
    );
    await expectBodyKinds(client.get, [["/buffer", "bytes", 1]], [["message", "b"]]);
  });

  it("stores several flashes of one request, each in its own cookie", async () => {
    const client = browser(
      await listen(
        makeApp({
          "/many": (ctx) => {
            ctx.flash("one", "success");
            ctx.flash("two", "error");
            ctx.flash("three");
            ctx.redirect("/read");
          },
        }),
      ),
    );
    expect((await client.get("/many")).setCookies).toHaveLength(3);
    expect(JSON.parse((await client.get("/read")).text)).toEqual([
      ["success", "one"],
      ["error", "two"],
      ["message", "three"],
    ]);
  });

  it("gives templates get_flashed_messages and getFlashedMessages on ctx.state", async () => {
    const client = browser(
      await listen(
        makeApp({
          "/page": (ctx) => {
            // What a view engine sees: ctx.state, Flask's keyword arguments as Nunjucks passes them.
            const pairs = ctx.state.get_flashed_messages({ __keywords: true, with_categories: true });
            const errors = ctx.state.getFlashedMessages({ categoryFilter: ["error"] });
            ctx.body = { pairs, errors };
          },
        }),
      ),
    );
    await client.get("/flash?m=%3Cb%3Ehi%3C%2Fb%3E&c=error");
    await client.get("/flash?m=ok&c=success");
    expect(JSON.parse((await client.get("/page")).text)).toEqual({
      pairs: [
        ["error", "<b>hi</b>"],
        ["success", "ok"],
      ],
      errors: ["<b>hi</b>"],
    });
  });

  it("has the API of every adapter: flash.now, flash.keep, flash.peek", async () => {
    const client = browser(
      await listen(
        makeApp({
          "/now": (ctx) => {
            ctx.flash.now("this response only", "info");
            ctx.body = ctx.getFlashedMessages();
          },
          "/peek": (ctx) => {
            ctx.body = ctx.flash.peek();
          },
          "/keep": (ctx) => {
            const read = ctx.flash.getFlashedMessages();
            ctx.flash.keep();
            ctx.body = read;
          },
        }),
      ),
    );
    await expectNowKeepPeek(client.get);
  });

  it("waits for an asynchronous store's load and commit before Koa responds", async () => {
    const events: string[] = [];
    const app = makeApp(
      {
        "/slow": (ctx) => {
          ctx.flash("slow but safe");
          ctx.res.on("finish", () => events.push("finished"));
          ctx.redirect("/read");
        },
      },
      { store: slowStore(memoryStore(), events) },
    );
    const client = browser(await listen(app));
    expect((await client.get("/slow")).setCookies).toHaveLength(1);
    expect(events).toEqual(["committed", "finished"]);
    expect(JSON.parse((await client.get("/read")).text)).toEqual([["message", "slow but safe"]]);
  });

  describe("when a downstream middleware throws", () => {
    const failing: Record<string, Koa3.Middleware> = {
      "/crash": (ctx) => {
        ctx.flash("Something went wrong", "error");
        throw new Error("boom");
      },
      "/read-crash": (ctx) => {
        ctx.getFlashedMessages();
        throw new Error("boom after reading");
      },
      "/bad-request": (ctx) => {
        ctx.flash("Check the form", "warning");
        ctx.throw(400, "bad input", { headers: { "X-Reason": "form" } });
      },
    };

    it("commits as Flask does on a 500, and the cookies survive Koa's default error handler", async () => {
      const client = browser(await listen(makeApp(failing)));
      const crash = await client.get("/crash");
      expect(crash.res.status).toBe(500);
      expect(crash.setCookies).toHaveLength(1);
      expect(JSON.parse((await client.get("/read")).text)).toEqual([["error", "Something went wrong"]]);
    });

    it("keeps the error's own headers beside the cookies", async () => {
      const client = browser(await listen(makeApp(failing)));
      const bad = await client.get("/bad-request");
      expect(bad.res.status).toBe(400);
      expect(bad.text).toBe("bad input");
      expect(bad.res.headers.get("x-reason")).toBe("form");
      expect(bad.setCookies).toHaveLength(1);
      expect(JSON.parse((await client.get("/read")).text)).toEqual([["warning", "Check the form"]]);
    });

    it("consumes what was read before the error, as Flask does, deleting its cookies", async () => {
      const client = browser(await listen(makeApp(failing)));
      await client.get("/flash?m=gone");
      const crash = await client.get("/read-crash");
      expect(crash.res.status).toBe(500);
      expect(crash.setCookies).toEqual([expect.stringMatching(/^flash\.[^=]+=; .*Max-Age=0/)]);
      expect(client.client.cookies()).toEqual([]);
    });

    it("lets an error handler installed after flash() flash and redirect", async () => {
      const app = new Koa();
      app.use(flash({ secret: SECRET }));
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch {
          ctx.flash("Sorry, try again", "error");
          ctx.redirect("/read");
        }
      });
      app.use((ctx) => {
        if (ctx.path === "/read") ctx.body = ctx.getFlashedMessages();
        else throw new Error("boom");
      });
      const client = browser(await listen(app));
      expect((await client.get("/crash")).res.status).toBe(302);
      expect(JSON.parse((await client.get("/read")).text)).toEqual(["Sorry, try again"]);
    });
  });

  it("hands the store ctx.session (koa-session) through the request's session getter", async () => {
    const seen: unknown[] = [];
    const inner = memoryStore();
    const recording: FlashStore = {
      ...inner,
      name: "recording",
      maxBytes: inner.maxBytes,
      measure: (entry) => inner.measure(entry),
      load(request) {
        seen.push(request.session);
        return inner.load(request);
      },
      commit(request, delta) {
        (request.session as Record<string, unknown>).touched = true;
        return inner.commit(request, delta);
      },
    };
    const app = new Koa();
    app.keys = [SECRET];
    app.use(session({ signed: true }, app as never));
    app.use(flash({ store: recording }));
    app.use((ctx) => {
      ctx.flash("hi");
      ctx.body = { touched: (ctx.session as { touched?: boolean } | null)?.touched ?? false };
    });
    const client = browser(await listen(app));
    await client.get("/");
    const second = await client.get("/");
    expect(seen[0]).toBeTypeOf("object");
    expect(JSON.parse(second.text)).toEqual({ touched: true });
  });

  it("keeps messages in koa-session with the session store, with no cookie of its own", async () => {
    const app = new Koa();
    app.keys = [SECRET];
    app.use(session({ signed: true }, app as never));
    app.use(flash({ store: sessionStore() }));
    app.use((ctx) => {
      if (ctx.path === "/flash") {
        ctx.flash("in the session", "info");
        ctx.redirect("/read");
      } else {
        ctx.body = ctx.getFlashedMessages({ withCategories: true });
      }
    });
    const client = browser(await listen(app));
    await client.get("/flash");
    expect(
      client.client
        .cookies()
        .map((cookie) => cookie.name)
        .sort(),
    ).toEqual(["koa.sess", "koa.sess.sig"]);
    expect(JSON.parse((await client.get("/read")).text)).toEqual([["info", "in the session"]]);
    expect(JSON.parse((await client.get("/read")).text)).toEqual([]);
  });

  it("reads a forged or broken cookie as no message, never a 500", async () => {
    const base = await listen(makeApp());
    for (const cookie of FORGED_COOKIES) {
      const res = await fetch(`${base}/read`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    }
  });

  it("accepts a createFlash() instance and ignores a second installation", async () => {
    const instance = createFlash({ store: memoryStore() });
    const app = new Koa();
    app.use(flash(instance));
    app.use(flash(instance));
    app.use((ctx) => {
      ctx.flash("once");
      ctx.body = ctx.flash.peek();
    });
    const first = await browser(await listen(app)).get("/");
    expect(JSON.parse(first.text)).toEqual(["once"]);
    expect(first.setCookies).toHaveLength(1);
  });

  it("puts ctx.flash on the app's context prototype: absent before the middleware, replaceable, per app", async () => {
    const seen: unknown[] = [];
    const app = new Koa();
    app.use(async (ctx, next) => {
      seen.push(typeof ctx.flash, typeof ctx.getFlashedMessages);
      await next();
    });
    app.use(flash({ store: memoryStore() }));
    app.use((ctx) => {
      if (ctx.path === "/replace") {
        // a middleware of the app's own, as connect-flash style code does
        ctx.flash = ((message: string) => seen.push(`own: ${message}`)) as never;
        ctx.flash("hi" as never);
        ctx.body = "replaced";
        return;
      }
      const [flashFunction, getFlashedMessages] = [ctx.flash, ctx.getFlashedMessages];
      seen.push(flashFunction === ctx.flash, getFlashedMessages === ctx.getFlashedMessages);
      ctx.flash(`from ${ctx.path}`);
      ctx.body = ctx.flash.peek();
    });
    const other = new Koa();
    other.use(flash({ store: memoryStore() }));
    other.use((ctx) => {
      ctx.body = { flash: typeof ctx.flash, messages: ctx.getFlashedMessages() };
    });
    const client = browser(await listen(app));
    await expectRequestApiOnFirstUse(client.get, seen);
    expect(JSON.parse((await browser(await listen(other)).get("/")).text)).toEqual({ flash: "function", messages: [] });
    expect(Object.hasOwn(Object.getPrototypeOf(app.createContext({} as never, {} as never)), "flash")).toBe(true);
  });

  it("fails at start-up on a bad configuration", () => {
    expectBadConfigurationFails(flash);
  });

  it("signs with FLASH_SECRET when given neither secret nor store", async () => {
    await expectSecretFromEnvironment(
      () => flash(),
      async () =>
        (await browser(await listen(makeApp({}, {}))).get("/flash?m=signed%20with%20FLASH_SECRET")).setCookies,
    );
  });

  it("refuses a flash after the response went out, instead of losing it silently", async () => {
    const late = vi.fn();
    const app = makeApp({
      "/late": (ctx) => {
        ctx.body = "done";
        ctx.res.on("finish", () => {
          recordErrorCode(() => ctx.flash("too late"), late);
        });
      },
    });
    const client = browser(await listen(app));
    expect((await client.get("/late")).setCookies).toEqual([]);
    await vi.waitFor(() => expect(late).toHaveBeenCalledWith("ERR_FLASH_HEADERS_SENT"));
  });

  it("warns, and changes nothing, when the app wrote the response itself before flash() could commit", async () => {
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const store = memoryStore();
    const app = makeApp(
      {
        "/raw": (ctx) => {
          ctx.respond = false;
          ctx.getFlashedMessages();
          ctx.res.end("raw");
        },
      },
      { store, logger },
    );
    const client = browser(await listen(app));
    await client.get("/flash?m=still-here");
    expect((await client.get("/raw")).text).toBe("raw");
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/ctx\.respond = false/));
    expect(JSON.parse((await client.get("/read")).text)).toEqual([["message", "still-here"]]);
  });

  it("sends the response with a warning when the store cannot commit", async () => {
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const client = browser(await listen(makeApp({}, { store: brokenStore(), logger })));
    const flashed = await client.get("/flash");
    expect(flashed.res.status).toBe(302);
    expect(flashed.setCookies).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/could not commit.*backend down/));
  });
});
