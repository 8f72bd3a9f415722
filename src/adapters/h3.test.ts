import * as h3 from "h3";
import * as h3v1 from "h3-v1";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  brokenStore,
  expectBadConfigurationFails,
  expectBodyKinds,
  expectFailingRequestCommits,
  expectNowKeepPeek,
  expectRedirectFlow,
  FORGED_COOKIES,
  type Get,
  manualBrowser,
  SIGNERS,
  slowStore,
} from "../../test/adapter-helpers.js";
import { SECRET } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { startServer } from "../testing/server.js";
import {
  createH3Flash,
  flashMiddleware,
  getFlashedMessages,
  type H3Flash,
  type H3FlashOptions,
  useFlash,
} from "./h3.js";

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A browser over `listener` served on 127.0.0.1 (closed after the test). */
async function browse(listener: Parameters<typeof startServer>[0]): Promise<Get & { raw: typeof manualBrowser }> {
  const server = await startServer(listener);
  servers.push(server);
  const client = manualBrowser(server.url);
  return Object.assign((path: string) => client.get(path), { raw: manualBrowser });
}

const messageOf = (url: URL) => url.searchParams.get("m") ?? "";
const categoryOf = (url: URL) => url.searchParams.get("c") ?? undefined;
const streamOf = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });

/** The h3 v2 app of the shared adapter checks, with `kit`'s middleware app-wide. */
function v2App(kit: H3Flash) {
  const app = new h3.H3().use(kit.middleware);
  app.get("/quiet", () => "quiet");
  app.get("/flash", async (event) => {
    await kit.flash(event, messageOf(event.url), categoryOf(event.url) as never);
    return h3.redirect("/read", 302);
  });
  app.get("/read", (event) => kit.getFlashedMessages(event, { withCategories: true }));
  app.get("/now", async (event) => {
    const flash = await kit.useFlash(event);
    flash.now("this response only");
    return flash.getFlashedMessages();
  });
  app.get("/peek", (event) => kit.peekFlashedMessages(event));
  app.get("/keep", async (event) => {
    const flash = await kit.useFlash(event);
    const read = flash.getFlashedMessages();
    flash.keep();
    return read;
  });
  app.get("/html", async (event) => {
    await kit.flash(event, "h");
    event.res.headers.set("content-type", "text/html; charset=utf-8");
    return "<p>html</p>";
  });
  app.get("/json", async (event) => {
    await kit.flash(event, { any: "json" } as never, "info");
    return { ok: true };
  });
  app.get("/stream", async (event) => {
    await kit.flash(event, "s");
    return streamOf("streamed body");
  });
  app.get("/empty", async (event) => {
    await kit.flash(event, "e");
    return h3.noContent();
  });
  app.get("/response", async (event) => {
    await kit.flash(event, "r");
    return new Response("own response");
  });
  app.get("/immutable", async (event) => {
    await kit.flash(event, "i");
    return Response.redirect("http://app.test/read", 302);
  });
  app.get("/teapot", async (event) => {
    await kit.flash(event, "t");
    return new Response("short and stout", { status: 418 });
  });
  app.get("/fail", async (event) => {
    await kit.getFlashedMessages(event);
    await kit.flash(event, "after the read");
    throw new h3.HTTPError({ status: 500, message: "failed" });
  });
  return app;
}

/** The same app on h3 v1, without the middleware unless `middleware` (v1 opens the jar on first use). */
function v1App(kit: H3Flash, middleware = false) {
  const app = h3v1.createApp();
  if (middleware) app.use(kit.middleware);
  const router = h3v1.createRouter();
  const url = (event: h3v1.H3Event) => new URL(event.path, "http://app.test");
  router.get(
    "/quiet",
    h3v1.defineEventHandler(() => "quiet"),
  );
  router.get(
    "/flash",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, messageOf(url(event)), categoryOf(url(event)) as never);
      return h3v1.sendRedirect(event, "/read", 302);
    }),
  );
  router.get(
    "/read",
    h3v1.defineEventHandler((event) => kit.getFlashedMessages(event, { withCategories: true })),
  );
  router.get(
    "/now",
    h3v1.defineEventHandler(async (event) => {
      const flash = await kit.useFlash(event);
      flash.now("this response only");
      return flash.getFlashedMessages();
    }),
  );
  router.get(
    "/peek",
    h3v1.defineEventHandler((event) => kit.peekFlashedMessages(event)),
  );
  router.get(
    "/keep",
    h3v1.defineEventHandler(async (event) => {
      const flash = await kit.useFlash(event);
      const read = flash.getFlashedMessages();
      flash.keep();
      return read;
    }),
  );
  router.get(
    "/html",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, "h");
      h3v1.setResponseHeader(event, "content-type", "text/html");
      return "<p>html</p>";
    }),
  );
  router.get(
    "/json",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, { any: "json" } as never, "info");
      return { ok: true };
    }),
  );
  router.get(
    "/stream",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, "s");
      return h3v1.sendStream(event, streamOf("streamed body"));
    }),
  );
  router.get(
    "/empty",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, "e");
      return h3v1.sendNoContent(event);
    }),
  );
  router.get(
    "/response",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, "r");
      return new Response("own response");
    }),
  );
  router.get(
    "/immutable",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, "i");
      return Response.redirect("http://app.test/read", 302);
    }),
  );
  router.get(
    "/teapot",
    h3v1.defineEventHandler(async (event) => {
      await kit.flash(event, "t");
      return new Response("short and stout", { status: 418 });
    }),
  );
  router.get(
    "/fail",
    h3v1.defineEventHandler(async (event) => {
      await kit.getFlashedMessages(event);
      await kit.flash(event, "after the read");
      throw h3v1.createError({ statusCode: 500, statusMessage: "failed" });
    }),
  );
  app.use(router);
  return h3v1.toNodeListener(app);
}

const OWN_CASES = [
  ["/response", "own response", 1],
  ["/immutable", "", 1],
  ["/teapot", "short and stout", 1],
] as const;
const OWN_READ = [
  ["message", "r"],
  ["message", "i"],
  ["message", "t"],
];

const MAJORS: Array<[label: string, serve: (kit: H3Flash) => Parameters<typeof startServer>[0]]> = [
  ["h3 v2", (kit) => h3.toNodeHandler(v2App(kit)) as never],
  ["h3 v1 (no middleware)", (kit) => v1App(kit)],
  ["h3 v1 (middleware)", (kit) => v1App(kit, true)],
];

describe.each(MAJORS)("flashkit/h3 on %s", (_label, serve) => {
  const kitOver = (options: H3FlashOptions = { secret: SECRET }) => createH3Flash(options);

  it("flashes before a redirect and shows the message once, as Flask", async () => {
    await expectRedirectFlow(await browse(serve(kitOver())));
  });

  it("has now(), keep() and peek()", async () => {
    await expectNowKeepPeek(await browse(serve(kitOver())));
  });

  it("commits onto every kind of response: a value, HTML, a stream, 204, a Response of its own, an immutable one, a 418", async () => {
    await expectBodyKinds(await browse(serve(kitOver())), OWN_CASES, OWN_READ);
  });

  it("commits onto a thrown error's response, as Flask saves the session on a 500", async () => {
    await expectFailingRequestCommits(await browse(serve(kitOver())), "/fail", ["message", "after the read"]);
  });

  it.each(SIGNERS)("commits with the cookie store on %s", async (_signer, makeStore) => {
    const get = await browse(serve(kitOver({ store: await makeStore() })));
    await expectRedirectFlow(get);
    await expectBodyKinds(get, OWN_CASES, OWN_READ);
  });

  it("waits for a slow store's commit before the response leaves", async () => {
    const events: string[] = [];
    const get = await browse(serve(createH3Flash(createFlash({ store: slowStore(memoryStore(), events) }))));
    await get("/flash?m=slow");
    await get("/stream");
    expect(JSON.parse((await get("/read")).text)).toEqual([
      ["message", "slow"],
      ["message", "s"],
    ]);
    expect(events.filter((event) => event.startsWith("commit"))).not.toHaveLength(0);
  });

  it("reads a forged or broken cookie as no message", async () => {
    const server = await startServer(serve(kitOver()));
    servers.push(server);
    for (const cookie of FORGED_COOKIES) {
      const res = await fetch(`${server.url}/read`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    }
  });

  it("lets side requests (HEAD, prefetches) peek and consume nothing", async () => {
    const server = await startServer(serve(kitOver()));
    servers.push(server);
    const client = manualBrowser(server.url);
    await client.get("/flash?m=kept");
    const head = await client.get("/read", { method: "HEAD" });
    expect(head.setCookies).toEqual([]);
    const prefetch = await client.get("/read", { headers: { "sec-purpose": "prefetch" } });
    expect(JSON.parse(prefetch.text)).toEqual([["message", "kept"]]);
    expect(prefetch.setCookies).toEqual([]);
    expect(await client.read()).toEqual([["message", "kept"]]);
    expect(await client.read()).toEqual([]);
  });

  it("warns, and still answers, when the store cannot commit", async () => {
    const warn = vi.fn();
    const get = await browse(serve(createH3Flash({ store: brokenStore(), logger: { warn, debug() {} } })));
    const flashed = await get("/flash?m=lost");
    expect(flashed.res.status).toBe(302);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("could not commit flash messages"));
  });
});

describe("flashkit/h3 set-up", () => {
  it("refuses a bad configuration at start-up", () => {
    expectBadConfigurationFails((options) => createH3Flash(options));
    expect(() => createH3Flash({ store: sessionStore() })).toThrowError(/has no session middleware/);
  });

  it("fails at start-up in production without a secret, saying what to set", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("FLASH_SECRET", "");
    expect(() => createH3Flash()).toThrowError(/FLASH_SECRET/);
  });

  // Before the next test: the default helpers make their instance once, on the first use that succeeds.
  it("fails the default helpers' first use in production without FLASH_SECRET, saying what to set", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("FLASH_SECRET", "");
    const app = new h3.H3().use(async (event, next) => {
      try {
        return await flashMiddleware(event, next);
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
    });
    app.get("/", async (event) => getFlashedMessages(event));
    const answer = await (await app.request("/")).json();
    expect(answer.code).toBe("ERR_FLASH_CONFIG");
    expect(answer.message).toMatch(/FLASH_SECRET/);
  });

  it("signs with FLASH_SECRET through the default helpers, checked at first use", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("FLASH_SECRET", SECRET);
    const app = new h3.H3().use(flashMiddleware);
    app.get("/flash", async (event) => {
      (await useFlash(event))("signed with FLASH_SECRET");
      return h3.redirect("/", 303);
    });
    const res = await app.request("/flash");
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });

  it("reads the secret per request from a function of the event, and fails a request it gives none", async () => {
    const kit = createH3Flash({ secret: (event) => (event.context as { secret?: string }).secret });
    const app = new h3.H3()
      .use(async (event, next) => {
        (event.context as { secret?: string }).secret = event.url.searchParams.has("secret") ? SECRET : undefined;
        try {
          return await next();
        } catch (error) {
          return { code: (error as { code?: string }).code };
        }
      })
      .use(kit.middleware);
    app.get("/flash", async (event) => {
      await kit.flash(event, "signed per request");
      return h3.redirect("/", 303);
    });
    app.get("/read", (event) => kit.getFlashedMessages(event));
    const flashed = await app.request("/flash?secret");
    const cookie = flashed.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(await (await app.request("/read?secret", { headers: { cookie } })).json()).toEqual(["signed per request"]);
    expect(await (await app.request("/read", { headers: { cookie } })).json()).toEqual({ code: "ERR_FLASH_CONFIG" });
  });

  it("asks for the middleware on h3 v2 when a helper runs without it", async () => {
    const kit = createH3Flash({ secret: SECRET });
    const app = new h3.H3();
    app.get("/", async (event) => {
      try {
        await kit.useFlash(event);
        return "no error";
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
    });
    const answer = await (await app.request("/")).json();
    expect(answer.code).toBe("ERR_FLASH_CONFIG");
    expect(answer.message).toMatch(/app\.use\(flashMiddleware\)/);
  });

  it("shares the request's jar between instances: one's middleware, another's helpers", async () => {
    const kit = createH3Flash({ secret: SECRET });
    const other = createH3Flash({ secret: "another-secret-0123456789-0123456789-xyz" });
    const app = new h3.H3().use(kit.middleware).use(other.middleware);
    app.get("/flash", async (event) => {
      await other.flash(event, "one jar");
      return h3.redirect("/read", 302);
    });
    app.get("/read", (event) => kit.getFlashedMessages(event));
    const first = await app.request("/flash");
    expect(first.headers.getSetCookie()).toHaveLength(1);
    const cookie = first.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(await (await app.request("/read", { headers: { cookie } })).json()).toEqual(["one jar"]);
  });

  it("is an h3 v1 event handler (no deprecation warning) and an h3 v2 middleware", () => {
    expect(h3v1.isEventHandler(flashMiddleware)).toBe(true);
    expect(typeof flashMiddleware).toBe("function");
  });

  it("commits on h3 v1's mock Node responses (toWebHandler, as Nitro 2's edge presets serve) with a synchronous store", async () => {
    const kit = createH3Flash({ secret: SECRET });
    const app = h3v1.createApp().use(kit.middleware);
    app.use(
      h3v1
        .createRouter()
        .post(
          "/flash",
          h3v1.defineEventHandler(async (event) => {
            await kit.flash(event, "through a mock response", "info");
            return h3v1.sendRedirect(event, "/read", 303);
          }),
        )
        .get(
          "/read",
          h3v1.defineEventHandler((event) => kit.getFlashedMessages(event, { withCategories: true })),
        ),
    );
    const handler = h3v1.toWebHandler(app);
    const flashed = await handler(new Request("http://app.test/flash", { method: "POST" }));
    expect(flashed.status).toBe(303);
    const cookie = flashed.headers.getSetCookie()[0]?.split(";")[0];
    expect(cookie).toMatch(/^flash\./);
    const read = await handler(new Request("http://app.test/read", { headers: { cookie: cookie! } }));
    expect(await read.json()).toEqual([["info", "through a mock response"]]);
  });

  it("refuses what is not an h3 event", async () => {
    await expect(useFlash({} as never)).rejects.toThrowError(TypeError);
  });
});
