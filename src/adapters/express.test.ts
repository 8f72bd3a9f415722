import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import express5 from "express";
import express4 from "express4";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  manualBrowser as browser,
  expectBadConfigurationFails,
  expectFailingRequestCommits,
  expectSecretFromEnvironment,
  recordErrorCode,
} from "../../test/adapter-helpers.js";
import { SECRET } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import type { FlashStore } from "../core/types.js";
import { cookieStore } from "../stores/cookie.js";
import { memoryStore } from "../stores/memory.js";
import { createBrowserClient } from "../testing/browser-client.js";
import { flash, flashOf } from "./express.js";

/** What a call returned, or the error it threw (as a value). */
const Result = {
  of: (call: () => unknown) => {
    try {
      return call();
    } catch (error) {
      return error;
    }
  },
};

type ExpressFactory = typeof express5;
const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen(app: ReturnType<ExpressFactory>): Promise<string> {
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const versions: Array<[string, ExpressFactory]> = [
  ["Express 5", express5],
  ["Express 4", express4 as unknown as ExpressFactory],
];

describe.each(versions)("flashkit/express on %s", (_name, express) => {
  function makeApp(options: Parameters<typeof flash>[0] = { secret: SECRET }) {
    const app = express();
    app.use(flash(options));
    // A view engine whose "read" view calls get_flashed_messages(with_categories=true).
    app.engine("txt", (file, locals, callback) => {
      if (!file.endsWith("page.txt")) return callback(null, "static page");
      const get = (locals as Record<string, (...a: unknown[]) => unknown>).get_flashed_messages;
      callback(null, JSON.stringify(get?.({ __keywords: true, with_categories: true })));
    });
    app.set("view engine", "txt");
    app.set("views", new URL("../../test/fixtures/views", import.meta.url).pathname);
    app.get("/flash", (req, res) => {
      req.flash(String(req.query.m ?? "hello"), String(req.query.c ?? "message"));
      res.redirect("/read");
    });
    app.get("/read", (req, res) => {
      res.json(req.getFlashedMessages({ withCategories: true }));
    });
    app.get("/quiet", (_req, res) => {
      res.send("<p>no flash here</p>");
    });
    return app;
  }

  it("flashes across a redirect, shows each message once, and leaves quiet pages alone", async () => {
    const client = browser(await listen(makeApp()));
    const quiet = await client.get("/quiet");
    expect(quiet.setCookies).toEqual([]);
    const flashed = await client.get("/flash?m=Profile%20updated%20successfully!&c=success");
    expect(flashed.res.status).toBe(302);
    expect(flashed.setCookies).toHaveLength(1);
    const quietWithPending = await client.get("/quiet");
    expect(quietWithPending.setCookies).toEqual([]);
    expect(JSON.parse((await client.get("/read")).text)).toEqual([["success", "Profile updated successfully!"]]);
    expect(JSON.parse((await client.get("/read")).text)).toEqual([]);
    expect(client.client.cookies()).toEqual([]);
  });

  it("commits before the headers however the response is sent: render, send, end, write, pipe", async () => {
    const app = makeApp();
    app.get("/render", (req, res) => {
      req.flash("r");
      res.render("static");
    });
    app.get("/end", (req, res) => {
      req.flash("e");
      res.end("ended");
    });
    app.get("/write", (req, res) => {
      req.flash("w");
      res.write("part one, ");
      res.end("part two");
    });
    app.get("/pipe", (req, res) => {
      req.flash("p");
      Readable.from(["streamed ", "body"]).pipe(res);
    });
    app.get("/status", (req, res) => {
      req.flash("s");
      res.sendStatus(204);
    });
    const client = browser(await listen(app));
    const rendered = await client.get("/render");
    expect(rendered.text).toBe("static page");
    expect(rendered.setCookies).toHaveLength(1);
    for (const path of ["/end", "/write", "/pipe", "/status"]) {
      const { setCookies } = await client.get(path);
      expect(setCookies, path).toHaveLength(1);
    }
    expect(JSON.parse((await client.get("/read")).text)).toEqual([
      ["message", "r"],
      ["message", "e"],
      ["message", "w"],
      ["message", "p"],
      ["message", "s"],
    ]);
  });

  it("gives templates get_flashed_messages with Flask's keyword arguments", async () => {
    const app = makeApp();
    app.get("/page", (_req, res) => res.render("page"));
    const client = browser(await listen(app));
    await client.get("/flash?m=%3Cb%3Ehi%3C%2Fb%3E&c=error");
    expect(JSON.parse((await client.get("/page")).text)).toEqual([["error", "<b>hi</b>"]]);
  });

  it("reads a forged or broken cookie as no message, never a 500", async () => {
    const client = browser(await listen(makeApp()));
    for (const cookie of [
      "flash.0000000000012345=garbage",
      `flash.${"z".repeat(11)}abcdef=a.${"b".repeat(43)}`,
      "flash.",
    ]) {
      const res = await fetch(`${client.client.baseUrl}/read`, {
        headers: { cookie },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    }
  });

  it("accepts a createFlash() instance and ignores a second installation", async () => {
    const instance = createFlash({ store: memoryStore() });
    const app = express();
    app.use(flash(instance));
    app.use(flash(instance));
    app.get("/", (req, res) => {
      req.flash("once");
      res.json(req.flash.peek());
    });
    const client = browser(await listen(app));
    const first = await client.get("/");
    expect(JSON.parse(first.text)).toEqual(["once"]);
    expect(first.setCookies).toHaveLength(1);
  });

  it("gives flashOf(req, instance), req.flash typed by the instance, and refuses another instance", async () => {
    type AppFlashes = { success: string; toast: { title: string } };
    const instance = createFlash<AppFlashes>({ store: cookieStore({ secret: SECRET }) });
    const other = createFlash<AppFlashes>({ store: memoryStore() });
    const app = express();
    app.get("/before", (req, res) => {
      res.send(String(Result.of(() => flashOf(req, instance))));
    });
    app.use(flash(instance));
    app.post("/save", (req, res) => {
      flashOf(req, instance)("Saved", "success");
      flashOf(req, instance)({ title: "Hi" }, "toast");
      res.redirect(303, "/");
    });
    app.get("/other", (req, res) => {
      res.send(String(Result.of(() => flashOf(req, other))));
    });
    app.get("/", (req, res) => {
      res.json(flashOf(req, instance).getFlashedMessages({ withCategories: true }));
    });
    const client = browser(await listen(app));
    expect((await client.client.fetch("/save", { method: "POST", redirect: "manual" })).status).toBe(303);
    expect(JSON.parse((await client.get("/")).text)).toEqual([
      ["success", "Saved"],
      ["toast", { title: "Hi" }],
    ]);
    expect(JSON.parse((await client.get("/")).text)).toEqual([]);
    const refusal =
      "TypeError: flashOf(req, instance): install app.use(flash(instance)) with this instance before the route";
    expect((await client.get("/before")).text).toBe(refusal);
    expect((await client.get("/other")).text).toBe(refusal);
  });

  it("waits for an asynchronous store's commit before ending the response", async () => {
    const inner = memoryStore();
    const events: string[] = [];
    const slow: FlashStore = {
      ...inner,
      name: "slow",
      maxBytes: inner.maxBytes,
      load: (request) => Promise.resolve(inner.load(request)),
      measure: (entry) => inner.measure(entry),
      async commit(request, delta) {
        inner.commit(request, delta);
        await new Promise((resolve) => setTimeout(resolve, 30));
        events.push("committed");
      },
    };
    const app = express();
    app.use(flash({ store: slow }));
    app.get("/flash", (req, res) => {
      req.flash("slow but safe");
      res.on("finish", () => events.push("finished"));
      res.redirect("/read");
    });
    app.get("/read", (req, res) => res.json(req.getFlashedMessages()));
    const client = browser(await listen(app));
    await client.get("/flash");
    expect(events).toEqual(["committed", "finished"]);
    expect(JSON.parse((await client.get("/read")).text)).toEqual(["slow but safe"]);
  });

  it("commits onto the error handler's response when a route throws, as Flask saves the session on a 500", async () => {
    const app = makeApp();
    app.get("/crash", (req) => {
      req.getFlashedMessages();
      req.flash("flashed before the error", "error");
      throw new Error("boom");
    });
    const client = browser(await listen(app));
    await expectFailingRequestCommits(client.get, "/crash", ["error", "flashed before the error"]);
  });

  it("fails at start-up on a bad configuration", () => {
    expectBadConfigurationFails(flash);
  });

  it("signs with FLASH_SECRET when given neither secret nor store", async () => {
    await expectSecretFromEnvironment(
      () => flash(),
      async () => (await browser(await listen(makeApp({}))).get("/flash?m=signed%20with%20FLASH_SECRET")).setCookies,
    );
  });

  it("refuses a flash after the response went out, instead of losing it silently", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    const late = vi.fn();
    app.get("/", (req, res) => {
      res.send("done");
      recordErrorCode(() => req.flash("too late"), late);
    });
    const client = browser(await listen(app));
    expect((await client.get("/")).setCookies).toEqual([]);
    expect(late).toHaveBeenCalledWith("ERR_FLASH_HEADERS_SENT");
  });
});

describe.each(versions)("flashkit/express's hooks on %s's app prototypes", (_name, express) => {
  it("leaves routes before the middleware, other apps and sub-apps working", async () => {
    const app = express();
    app.get("/before", (req, res) => {
      res.json({ flash: typeof (req as { flash?: unknown }).flash });
    });
    app.use(flash({ secret: SECRET }));
    app.get("/flash", (req, res) => {
      req.flash("main");
      res.redirect("/read");
    });
    app.get("/read", (req, res) => {
      res.json(req.getFlashedMessages());
    });
    const admin = express();
    admin.get("/flash", (req, res) => {
      req.flash("from the sub-app");
      res.redirect("/read");
    });
    app.use("/admin", admin);
    // Another app in the same process, without flashkit.
    const other = express();
    other.get("/", (req, res) => {
      res.json({ flash: typeof (req as { flash?: unknown }).flash });
    });

    const { client } = browser(await listen(app));
    expect(await (await client.fetch("/before")).json()).toEqual({ flash: "undefined" });
    expect(await (await client.fetch("/flash")).json()).toEqual(["main"]);
    expect(await (await client.fetch("/admin/flash")).json()).toEqual(["from the sub-app"]);
    expect(client.cookies()).toEqual([]);
    const otherClient = createBrowserClient(await listen(other));
    expect(await (await otherClient.fetch("/")).json()).toEqual({ flash: "undefined" });
  });

  it("lets an app replace req.flash for one request, as connect-flash does", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    app.get("/", (req, res) => {
      const own = req.flash;
      (req as { flash: unknown }).flash = "replaced";
      res.json({ replaced: (req as { flash: unknown }).flash, wasFunction: typeof own });
    });
    app.get("/next", (req, res) => {
      res.json({ flash: typeof req.flash });
    });
    const { client } = browser(await listen(app));
    expect(await (await client.fetch("/")).json()).toEqual({ replaced: "replaced", wasFunction: "function" });
    expect(await (await client.fetch("/next")).json()).toEqual({ flash: "function" });
  });

  it("adds no property to req or res: the request's state is kept in res.locals", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    app.get("/", (req, res) => {
      req.flash("kept");
      res.json({
        req: Object.getOwnPropertySymbols(req).map(String),
        res: Object.getOwnPropertySymbols(res).map(String),
        locals: Object.getOwnPropertySymbols(res.locals).map(String),
      });
    });
    const { client } = browser(await listen(app));
    const found = await (await client.fetch("/")).json();
    expect(found.req.filter((name: string) => name.includes("flashkit"))).toEqual([]);
    expect(found.res.filter((name: string) => name.includes("flashkit"))).toEqual([]);
    expect(found.locals).toEqual(["Symbol(flashkit.jar)"]);
  });

  it("works on a bare Node server too (no Express prototypes)", async () => {
    const { createServer } = await import("node:http");
    const middleware = flash({ secret: SECRET });
    const server = createServer((req, res) => {
      middleware(req, res, () => {
        const request = req as unknown as Express.Request;
        if (req.url === "/flash") {
          request.flash("bare");
          res.writeHead(303, { location: "/read" }).end();
        } else {
          res.end(JSON.stringify(request.getFlashedMessages()));
        }
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = createBrowserClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(await (await client.fetch("/flash")).json()).toEqual(["bare"]);
    expect(client.cookies()).toEqual([]);
  });
});
