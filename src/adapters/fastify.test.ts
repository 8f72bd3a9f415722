import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import fastifyCookie from "@fastify/cookie";
import fastifySecureSession from "@fastify/secure-session";
import fastifySession from "@fastify/session";
import fastifyView from "@fastify/view";
import Fastify, { type FastifyInstance } from "fastify";
import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import {
  manualBrowser as browser,
  expectBadConfigurationFails,
  expectRequestApiOnFirstUse,
  expectSecretFromEnvironment,
  recordErrorCode,
} from "../../test/adapter-helpers.js";
import { fastifySessionApp } from "../../test/fastify-session-app.js";
import { closedAfterEach, SECRET } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import type { FlashStore } from "../core/types.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { addFlash } from "../templates/nunjucks.js";
import { flash } from "./fastify.js";

const apps = closedAfterEach<FastifyInstance>();

async function listen(app: FastifyInstance): Promise<string> {
  apps.push(app);
  return app.listen({ port: 0, host: "127.0.0.1" });
}

/** An app with flashkit and the two routes most tests use: /flash (redirects to /read) and /read. */
async function makeApp(plugin = flash({ secret: SECRET })): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(plugin);
  app.get<{ Querystring: { m?: string; c?: string } }>("/flash", async (request, reply) => {
    request.flash(request.query.m ?? "hello", request.query.c ?? "message");
    return reply.redirect("/read");
  });
  app.get("/read", async (request) => request.getFlashedMessages({ withCategories: true }));
  app.get("/quiet", async (_request, reply) => reply.type("text/html").send("<p>no flash here</p>"));
  return app;
}

describe("flashkit/fastify", () => {
  it("flashes across a redirect, shows each message once, and leaves quiet pages alone", async () => {
    const client = browser(await listen(await makeApp()));
    expect((await client.get("/quiet")).setCookies).toEqual([]);
    const flashed = await client.get("/flash?m=Profile%20updated%20successfully!&c=success");
    expect(flashed.res.status).toBe(302);
    expect(flashed.res.headers.get("location")).toBe("/read");
    expect(flashed.setCookies).toHaveLength(1);
    expect((await client.get("/quiet")).setCookies).toEqual([]);
    expect(await client.read()).toEqual([["success", "Profile updated successfully!"]]);
    expect(await client.read()).toEqual([]);
    expect(client.client.cookies()).toEqual([]);
  });

  it("commits before the headers however the reply is sent: string, JSON, Buffer, stream, empty, return value", async () => {
    const app = await makeApp();
    app.get("/string", (request, reply) => {
      request.flash("string");
      reply.type("text/plain").send("a string");
    });
    app.get("/json", (request, reply) => {
      request.flash("json");
      reply.send({ ok: true });
    });
    app.get("/buffer", (request, reply) => {
      request.flash("buffer");
      reply.type("application/octet-stream").send(Buffer.from("bytes"));
    });
    app.get("/stream", (request, reply) => {
      request.flash("stream");
      reply.type("text/plain").send(Readable.from(["streamed ", "body"]));
    });
    app.get("/empty", (request, reply) => {
      request.flash("empty");
      reply.code(204).send();
    });
    app.get("/returned", async (request) => {
      request.flash("returned");
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { returned: true };
    });
    const client = browser(await listen(app));
    const bodies: Record<string, string> = {};
    for (const path of ["/string", "/json", "/buffer", "/stream", "/empty", "/returned"]) {
      const { setCookies, text } = await client.get(path);
      expect(setCookies, path).toHaveLength(1);
      bodies[path] = text;
    }
    expect(bodies).toEqual({
      "/string": "a string",
      "/json": '{"ok":true}',
      "/buffer": "bytes",
      "/stream": "streamed body",
      "/empty": "",
      "/returned": '{"returned":true}',
    });
    expect(await client.read()).toEqual(
      ["string", "json", "buffer", "stream", "empty", "returned"].map((m) => ["message", m]),
    );
  });

  it("commits the flashes of a handler that throws, as Flask saves the session on a 500", async () => {
    const app = await makeApp();
    app.get("/boom", async (request) => {
      request.flash("before the error", "error");
      throw new Error("boom");
    });
    app.get("/teapot", async (request) => {
      request.flash("handled");
      throw Object.assign(new Error("short and stout"), { statusCode: 418 });
    });
    app.log.level = "silent";
    const client = browser(await listen(app));
    const boom = await client.get("/boom");
    expect(boom.res.status).toBe(500);
    expect(boom.setCookies).toHaveLength(1);
    const teapot = await client.get("/teapot");
    expect(teapot.res.status).toBe(418);
    expect(await client.read()).toEqual([
      ["error", "before the error"],
      ["message", "handled"],
    ]);
  });

  it("lets an error handler and a not-found handler flash, and a 404 consumes nothing", async () => {
    const app = await makeApp();
    app.get("/fail", async () => {
      throw new Error("nope");
    });
    app.setErrorHandler((_error, request, reply) => {
      request.flash("Something went wrong", "error");
      reply.redirect("/read");
    });
    app.setNotFoundHandler((request, reply) => {
      if (request.url === "/lost") request.flash("No such page", "warning");
      reply.code(404).send({ error: "not found" });
    });
    const client = browser(await listen(app));
    expect((await client.get("/missing")).setCookies).toEqual([]);
    await client.get("/flash?m=pending");
    const missing = await client.get("/missing");
    expect(missing.res.status).toBe(404);
    expect(missing.setCookies).toEqual([]);
    expect((await client.get("/fail")).res.status).toBe(302);
    expect((await client.get("/lost")).res.status).toBe(404);
    expect(await client.read()).toEqual([
      ["message", "pending"],
      ["error", "Something went wrong"],
      ["warning", "No such page"],
    ]);
  });

  it("works in onRequest hooks registered after it: flash and redirect, or read, before the handler", async () => {
    const app = Fastify();
    await app.register(flash({ secret: SECRET }));
    app.addHook("onRequest", async (request, reply) => {
      if (request.url === "/private") {
        request.flash("Please log in", "info");
        return reply.redirect("/early");
      }
      if (request.url === "/early") return reply.send({ early: request.getFlashedMessages() });
    });
    app.get("/private", async () => "secret");
    const client = browser(await listen(app));
    const denied = await client.get("/private");
    expect(denied.res.status).toBe(302);
    expect(denied.setCookies).toHaveLength(1);
    expect(JSON.parse((await client.get("/early")).text)).toEqual({ early: ["Please log in"] });
    expect(client.client.cookies()).toEqual([]);
  });

  it("refuses a flash after the reply went out, instead of losing it silently", async () => {
    const app = await makeApp();
    const codes: string[] = [];
    app.addHook("onResponse", async (request) => {
      recordErrorCode(
        () => request.flash("too late"),
        (code) => codes.push(code),
      );
    });
    const client = browser(await listen(app));
    expect((await client.get("/quiet")).setCookies).toEqual([]);
    expect(codes).toEqual(["ERR_FLASH_HEADERS_SENT"]);
  });

  it("awaits an asynchronous store: load before the handler, commit before the reply goes out", async () => {
    const inner = memoryStore();
    const events: string[] = [];
    const slow: FlashStore = {
      name: "slow",
      maxBytes: inner.maxBytes,
      measure: (entry) => inner.measure(entry),
      async load(request) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push("loaded");
        return inner.load(request);
      },
      async commit(request, delta) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        inner.commit(request, delta);
        events.push("committed");
      },
    };
    const app = await makeApp(flash({ store: slow }));
    app.addHook("preHandler", async () => {
      events.push("handler");
    });
    app.addHook("onResponse", async () => {
      events.push("finished");
    });
    const client = browser(await listen(app));
    const flashed = await client.get("/flash?m=slow%20but%20safe");
    expect(flashed.setCookies).toHaveLength(1);
    expect(events).toEqual(["loaded", "handler", "committed", "finished"]);
    expect(await client.read()).toEqual([["message", "slow but safe"]]);
  });

  it("reads a forged or broken cookie as no message, never a 500", async () => {
    const client = browser(await listen(await makeApp()));
    for (const cookie of ["flash.0000000000012345=garbage", `flash.${"z".repeat(11)}abcdef=a.${"b".repeat(43)}`]) {
      const res = await fetch(`${client.client.baseUrl}/read`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    }
  });

  it("accepts a createFlash() instance", async () => {
    const client = browser(await listen(await makeApp(flash(createFlash({ store: memoryStore() })))));
    await client.get("/flash?m=from%20an%20instance");
    expect(await client.read()).toEqual([["message", "from an instance"]]);
  });

  it("makes request.flash on first use: absent before its hook, the same function all request, replaceable", async () => {
    const seen: unknown[] = [];
    const app = Fastify();
    app.addHook("onRequest", async (request) => {
      seen.push(typeof request.flash, typeof request.getFlashedMessages);
    });
    await app.register(flash({ store: memoryStore() }));
    app.get("/replace", async (request) => {
      request.flash = ((message: string) => seen.push(`own: ${message}`)) as never;
      request.flash("hi" as never);
      return "replaced";
    });
    app.get("/*", async (request) => {
      const [flashFunction, getFlashedMessages] = [request.flash, request.getFlashedMessages];
      seen.push(flashFunction === request.flash, getFlashedMessages === request.getFlashedMessages);
      request.flash(`from ${request.url}`);
      return request.flash.peek();
    });
    const client = browser(await listen(app));
    await expectRequestApiOnFirstUse(client.get, seen);
  });

  it("fails at start-up on a bad configuration or a second registration", async () => {
    expectBadConfigurationFails(flash);
    const app = Fastify();
    app.register(flash({ secret: SECRET }));
    app.register(flash({ secret: SECRET }));
    await expect(app.ready()).rejects.toMatchObject({ code: "ERR_FLASH_CONFIG", message: /registered twice/ });
  });

  it("signs with FLASH_SECRET when given neither secret nor store", async () => {
    await expectSecretFromEnvironment(
      () => flash(),
      async () =>
        (await browser(await listen(await makeApp(flash()))).get("/flash?m=signed%20with%20FLASH_SECRET")).setCookies,
    );
  });
});

describe("flashkit/fastify and reply.hijack()", () => {
  it("warns once that a hijacked reply which flashed saved nothing; says nothing for other replies", async () => {
    const warnings: string[] = [];
    const app = await makeApp(flash({ secret: SECRET, logger: { debug() {}, warn: (m) => warnings.push(m) } }));
    app.get("/hijacked", (request, reply) => {
      request.flash("lost");
      reply.hijack();
      reply.raw.writeHead(302, { Location: "/read" });
      reply.raw.end();
    });
    app.get("/hijacked-read", (request, reply) => {
      const messages = request.getFlashedMessages();
      reply.hijack();
      reply.raw.end(JSON.stringify(messages));
    });
    const client = browser(await listen(app));
    await client.get("/flash");
    expect(await client.read()).toEqual([["message", "hello"]]);
    // a hijacked reply that only read loses nothing (its messages show again): no warning
    await client.get("/flash?m=again");
    expect((await client.get("/hijacked-read")).text).toBe('["again"]');
    expect(await client.read()).toEqual([["message", "again"]]);
    expect(warnings).toEqual([]);
    const hijacked = await client.get("/hijacked");
    expect(hijacked.setCookies).toEqual([]);
    await expect
      .poll(() => warnings)
      .toEqual([expect.stringMatching(/reply\.hijack\(\)\?\), so flash messages were not saved/)]);
  });
});

describe("flashkit/fastify plugin metadata", () => {
  async function siblingApp(plugin: ReturnType<typeof flash>) {
    const app = Fastify();
    await app.register(plugin);
    await app.register(async (sibling) => {
      sibling.get("/flash", async (request, reply) => {
        if (typeof request.flash !== "function") return { decorated: false };
        request.flash("from a sibling");
        return reply.redirect("/read");
      });
      sibling.get("/read", async (request) => request.getFlashedMessages());
    });
    return app;
  }

  it("escapes encapsulation: routes of sibling plugins see request.flash, as with fastify-plugin", async () => {
    const app = await siblingApp(flash({ secret: SECRET }));
    expect(app.hasPlugin("flashkit")).toBe(true);
    expect(app.hasRequestDecorator("flash")).toBe(true);
    expect(app.printPlugins()).toContain("flashkit");
    const client = browser(await listen(app));
    expect((await client.get("/flash")).res.status).toBe(302);
    expect(await client.read()).toEqual(["from a sibling"]);
  });

  it("would stay inside its own context without the metadata (the control)", async () => {
    const plugin = flash({ secret: SECRET });
    const bare: typeof plugin = (instance, options, done) => plugin(instance, options, done);
    const app = await siblingApp(bare);
    expect(app.hasRequestDecorator("flash")).toBe(false);
    const client = browser(await listen(app));
    expect(JSON.parse((await client.get("/flash")).text)).toEqual({ decorated: false });
  });

  it("is refused by another major version of Fastify", async () => {
    const app = Fastify();
    Object.defineProperty(app, "version", { configurable: true, get: () => "4.29.1" });
    app.register(flash({ secret: SECRET }));
    await expect(app.ready()).rejects.toMatchObject({ code: "FST_ERR_PLUGIN_VERSION_MISMATCH" });
    const next = Fastify();
    Object.defineProperty(next, "version", { configurable: true, get: () => "5.99.0" });
    next.register(flash({ secret: SECRET }));
    await expect(next.ready()).resolves.toBe(next);
  });
});

describe("flashkit/fastify with @fastify/view and Nunjucks", () => {
  const root = mkdtempSync(join(tmpdir(), "flashkit-fastify-views-"));
  writeFileSync(
    join(root, "page.njk"),
    "{% for category, message in get_flashed_messages(with_categories=true) %}[{{ category }}: {{ message }}]{% endfor %}" +
      "|{{ getFlashedMessages() | length }}|{{ title }}",
  );

  for (const order of ["view registered first", "flashkit registered first"] as const) {
    it(`gives templates get_flashed_messages() through reply.locals (${order})`, async () => {
      const app = Fastify();
      const view = () => app.register(fastifyView, { engine: { nunjucks }, root });
      if (order === "view registered first") await view();
      await app.register(flash({ secret: SECRET }));
      if (order === "flashkit registered first") await view();
      app.get("/flash", async (request, reply) => {
        request.flash("<b>Saved</b>", "success");
        request.flash("Second");
        return reply.redirect("/page");
      });
      app.get("/page", (_request, reply) => reply.view("page.njk", { title: "Profile" }));
      app.get("/render-and-flash", (request, reply) => {
        request.flash("flashed while rendering");
        return reply.view("page.njk", { title: "Now" });
      });
      const client = browser(await listen(app));
      await client.get("/flash");
      const page = await client.get("/page");
      // @fastify/view turns on Nunjucks' autoescape.
      expect(page.text).toBe("[success: &lt;b&gt;Saved&lt;/b&gt;][message: Second]|2|Profile");
      expect(page.setCookies.every((c) => /Max-Age=0/.test(c))).toBe(true);
      expect((await client.get("/page")).text).toBe("|0|Profile");
      // A flash before the first read is shown in the same response and never stored.
      const rendered = await client.get("/render-and-flash");
      expect(rendered.text).toBe("[message: flashed while rendering]|1|Now");
      expect(rendered.setCookies).toEqual([]);
    });
  }
});

describe("flashkit/fastify with @fastify/view and flashkit/nunjucks: Flask's templates, byte for byte", () => {
  const fixtures = fileURLToPath(new URL("../../test/fixtures/flask-templates/", import.meta.url));
  const recorded = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as {
    cases: Record<string, Array<[string, string]>>;
    templates: Record<string, Record<string, string>>;
  };

  it("renders every recorded Flask template and case as Flask did, across a redirect", async () => {
    const app = Fastify();
    await app.register(flash({ store: memoryStore() }));
    await app.register(fastifyView, {
      engine: { nunjucks },
      root: fixtures,
      options: { autoescape: true, onConfigure: (env: nunjucks.Environment) => addFlash(env) },
    });
    app.get<{ Params: { template: string; case: string } }>("/flash/:template/:case", async (request, reply) => {
      for (const [category, message] of recorded.cases[request.params.case] ?? []) request.flash(message, category);
      return reply.redirect(`/show/${request.params.template}`);
    });
    app.get<{ Params: { template: string } }>("/show/:template", (request, reply) =>
      reply.view(request.params.template),
    );
    const client = browser(await listen(app));
    let compared = 0;
    for (const [template, cases] of Object.entries(recorded.templates)) {
      for (const [name, html] of Object.entries(cases)) {
        await client.get(`/flash/${template}/${name}`);
        expect((await client.get(`/show/${template}`)).text, `${template} / ${name}`).toBe(html);
        compared++;
      }
    }
    expect(compared).toBe(Object.values(recorded.templates).flatMap(Object.keys).length);
  });
});

describe("flashkit/fastify with the session store", () => {
  const secret = "a-session-secret-of-at-least-32-characters";
  const key = Buffer.alloc(32, 7);
  const sessionPlugins = {
    "@fastify/session": async (app: FastifyInstance) => {
      await app.register(fastifySession, {
        secret,
        saveUninitialized: false,
        rolling: false,
        cookie: { secure: false },
      });
    },
    "@fastify/secure-session": async (app: FastifyInstance) => {
      await app.register(fastifySecureSession, { key, cookie: { path: "/" } });
    },
  };

  for (const [name, registerSession] of Object.entries(sessionPlugins)) {
    it(`works when flashkit is registered before ${name}`, async () => {
      const app = await fastifySessionApp(registerSession, (request) => {
        request.flash("kept in the session", "success");
      });
      const client = browser(await listen(app));
      expect((await client.get("/quiet")).setCookies).toEqual([]);
      const flashed = await client.get("/flash");
      expect(flashed.setCookies).toHaveLength(1);
      expect(client.client.cookies().map((c) => c.name)).toEqual([
        name === "@fastify/session" ? "sessionId" : "session",
      ]);
      expect(JSON.parse((await client.get("/raw")).text)).toEqual({ flashes: [["success", "kept in the session"]] });
      expect((await client.get("/quiet")).setCookies).toEqual([]);
      expect(await client.read()).toEqual([["success", "kept in the session"]]);
      expect(JSON.parse((await client.get("/raw")).text)).toEqual({ flashes: null });
      expect(await client.read()).toEqual([]);
    });

    it(`refuses at start-up to be registered after ${name}, saying which order works`, async () => {
      const app = Fastify();
      await app.register(fastifyCookie);
      await registerSession(app);
      app.register(flash({ store: sessionStore() }));
      await expect(app.ready()).rejects.toMatchObject({
        code: "ERR_FLASH_CONFIG",
        message: expect.stringMatching(
          /register flashkit\/fastify before @fastify\/session or @fastify\/secure-session/,
        ),
      });
    });
  }

  it("an onRequest hook that reads before the session is loaded sees nothing and consumes nothing", async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await app.register(flash({ store: sessionStore() }));
    await sessionPlugins["@fastify/session"](app);
    const early = new WeakMap<object, unknown>();
    app.addHook("onRequest", async (request) => {
      if (request.url === "/banner") early.set(request, request.getFlashedMessages());
    });
    app.get("/flash", async (request) => {
      request.flash("hello", "info");
      return "ok";
    });
    app.get("/banner", async (request) => ({ banner: early.get(request) }));
    app.get("/read", async (request) => request.getFlashedMessages());
    const client = browser(await listen(app));
    await client.get("/flash");
    expect(JSON.parse((await client.get("/banner")).text)).toEqual({ banner: [] });
    expect(await client.read()).toEqual(["hello"]);
  });

  it("does not mind the order with the cookie store", async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await sessionPlugins["@fastify/session"](app);
    await app.register(flash({ secret: SECRET }));
    app.get("/flash", async (request, reply) => {
      request.flash("cookie store");
      return reply.redirect("/read");
    });
    app.get("/read", async (request) => request.getFlashedMessages());
    const client = browser(await listen(app));
    await client.get("/flash");
    expect(await client.read()).toEqual(["cookie store"]);
  });

  it("answers a clear error naming the session plugins when there is no session", async () => {
    const app = await makeApp(flash({ store: sessionStore() }));
    app.log.level = "silent";
    const res = await app.inject({ url: "/read" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({
      code: "ERR_FLASH_CONFIG",
      message: expect.stringMatching(/@fastify\/session or @fastify\/secure-session/),
    });
  });
});

// examples/fastify imports the package by name ("flashkit/fastify"), which resolves to dist/: needs `npm run build`.
describe("examples/fastify/server.js", () => {
  const serverJs = fileURLToPath(new URL("../../examples/fastify/server.js", import.meta.url));

  async function start(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
    const child = spawn(process.execPath, [serverJs], {
      env: { ...process.env, PORT: "0", NODE_ENV: "test", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found?.[1]) resolve(found[1]);
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`example exited (${code}); run npm run build first?\n${output}`)));
    });
    return { url, child };
  }

  for (const store of ["cookie", "session"] as const) {
    it(`flashes on POST, redirects, and shows the message once on GET (${store} store)`, async () => {
      const { url, child } = await start(store === "session" ? { FLASH_STORE: "session" } : { FLASH_SECRET: SECRET });
      try {
        const client = browser(url);
        const posted = await client.get("/update_profile", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "name=%3Cb%3EAda%3C%2Fb%3E",
        });
        expect(posted.res.status).toBe(303);
        expect(posted.res.headers.get("location")).toBe("/");
        const page = await client.get("/");
        expect(page.text).toContain(
          '<div class="alert alert-success" role="status">Profile updated successfully, &lt;b&gt;Ada&lt;/b&gt;!</div>',
        );
        expect(page.text).toContain(`kept in the ${store} store`);
        expect((await client.get("/")).text).not.toContain('<div class="alert');
        await client.get("/update_profile", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "name=",
        });
        expect((await client.get("/")).text).toContain(
          '<div class="alert alert-danger" role="alert">Please enter a name.</div>',
        );
      } finally {
        child.kill();
      }
    });
  }
});
