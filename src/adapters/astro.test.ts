import type { APIContext, MiddlewareHandler, MiddlewareNext } from "astro";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SECRET } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashStore } from "../core/types.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { createCookieJar } from "../testing/cookie-jar.js";
import { createFlashMiddleware, isAstroSideRequest } from "./astro.js";

/** A browser's cookies over the contexts Astro hands its middleware. */
function browser() {
  const jar = createCookieJar();
  return {
    context(path = "/", init: RequestInit = {}, extra: Partial<APIContext> = {}): APIContext {
      const request = new Request(`http://app.test${path}`, {
        ...init,
        headers: { ...init.headers, cookie: jar.header() },
      });
      return { request, locals: {}, isPrerendered: false, ...extra } as unknown as APIContext;
    },
    take(response: Response) {
      jar.apply(response.headers.getSetCookie());
      return response;
    },
    cookies: () => jar.header(),
  };
}

/** Astro's `next()` answering with `respond()`. */
const answer = (_context: APIContext, respond: () => Response | Promise<Response>): MiddlewareNext =>
  (async () => respond()) as MiddlewareNext;

/** Runs a middleware as Astro does; flashkit's always answers with a `Response`. */
const run = (middleware: MiddlewareHandler, context: APIContext, next: MiddlewareNext) =>
  middleware(context, next) as Promise<Response>;

describe("flashkit/astro's middleware", () => {
  const middleware = createFlashMiddleware({ secret: SECRET });

  it("puts the flash on locals, commits onto the response and shows the message once", async () => {
    const client = browser();
    const post = client.context("/login", { method: "POST" });
    client.take(
      await run(
        middleware,
        post,
        answer(post, () => {
          post.locals.flash("Invalid username or password", "error");
          return new Response(null, { status: 303, headers: { location: "/login" } });
        }),
      ),
    );
    const page = client.context("/login");
    let shown: unknown[] = [];
    client.take(
      await run(
        middleware,
        page,
        answer(page, () => {
          shown = page.locals.flash.getFlashedMessages({ withCategories: true });
          return new Response("<p>login</p>", { headers: { "content-type": "text/html" } });
        }),
      ),
    );
    expect(shown).toEqual([["error", "Invalid username or password"]]);
    expect(client.cookies()).toBe("");
  });

  it("runs once per request: a second copy in sequence() and Astro's error page share the first's jar", async () => {
    const client = browser();
    const context = client.context("/fails");
    const inner = (context2: APIContext) =>
      run(
        middleware,
        context2,
        answer(context2, () => {
          context2.locals.flash("once", "info");
          return new Response(null, { status: 204 });
        }),
      );
    const response = client.take(await run(middleware, context, (() => inner(context)) as MiddlewareNext));
    expect(response.headers.getSetCookie()).toHaveLength(1);
    // The error page: the same Request, new locals, after the first commit.
    const errorPage = { ...context, locals: {} } as unknown as APIContext;
    const again = await run(
      middleware,
      errorPage,
      answer(errorPage, () => new Response("error", { status: 500 })),
    );
    expect(again.headers.getSetCookie()).toEqual(response.headers.getSetCookie());
    expect(errorPage.locals.flash.peek()).toEqual(["once"]);
  });

  it("onCommitError's response replaces the route's when the store cannot take the commit", async () => {
    const unreachable: FlashStore = {
      name: "unreachable",
      maxBytes: 4096,
      load: () => [],
      measure: () => 64,
      commit: () => Promise.reject(new FlashError("ERR_FLASH_STORE_UNAVAILABLE", "the store is unreachable")),
    };
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const failing = createFlashMiddleware({
      store: unreachable,
      logger,
      onCommitError: (error, context) =>
        new Response(`${(error as FlashError).code} on ${new URL(context.request.url).pathname}`, { status: 503 }),
    });
    const context = browser().context("/save", { method: "POST" });
    const response = await run(
      failing,
      context,
      answer(context, () => {
        context.locals.flash("Saved", "success");
        return Response.redirect("http://app.test/", 303);
      }),
    );
    expect(response.status).toBe(503);
    expect(await (response as Response).text()).toBe("ERR_FLASH_STORE_UNAVAILABLE on /save");
    expect(logger.warn).toHaveBeenCalledOnce();
  });

  it("gives a prerendered page no messages, and makes flash() there an error that says where to flash", async () => {
    const context = browser().context("/static", {}, { isPrerendered: true });
    const noSecret = createFlashMiddleware();
    await run(
      noSecret,
      context,
      answer(context, () => {
        expect(context.locals.flash.getFlashedMessages()).toEqual([]);
        expect(() => context.locals.flash("x")).toThrow(/prerendered page has no request/);
        return new Response("static");
      }),
    );
  });

  it("works over memoryStore(): the Node adapter serves the middleware and the routes from one process", async () => {
    const inMemory = createFlashMiddleware(() => createFlash({ store: memoryStore() }));
    const client = browser();
    const post = client.context("/", { method: "POST" });
    client.take(
      await run(
        inMemory,
        post,
        answer(post, () => {
          post.locals.flash("kept in memory", "info");
          return new Response(null, { status: 204 });
        }),
      ),
    );
    for (const expected of [["kept in memory"], []]) {
      const get = client.context();
      client.take(
        await run(
          inMemory,
          get,
          answer(get, () => {
            expect(get.locals.flash.getFlashedMessages()).toEqual(expected);
            return new Response("x");
          }),
        ),
      );
    }
  });

  it("refuses the session store on the first request", async () => {
    const withSession = createFlashMiddleware(() => createFlash({ store: sessionStore() }));
    const context = browser().context();
    await expect(
      run(
        withSession,
        context,
        answer(context, () => new Response("x")),
      ),
    ).rejects.toMatchObject({
      code: "ERR_FLASH_CONFIG",
      message: expect.stringContaining("flashkit/astro has no session middleware"),
    });
  });
});

describe("flashkit/astro without a secret", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("fails the first request on a built server (NODE_ENV unset or production), saying to set FLASH_SECRET", async () => {
    for (const mode of ["", "production"]) {
      vi.stubEnv("FLASH_SECRET", "");
      vi.stubEnv("NODE_ENV", mode);
      const middleware = createFlashMiddleware();
      const context = browser().context();
      await expect(
        run(
          middleware,
          context,
          answer(context, () => new Response("x")),
        ),
      ).rejects.toMatchObject({
        code: "ERR_FLASH_CONFIG",
        message: expect.stringContaining("set FLASH_SECRET in the server's environment"),
      });
    }
  });

  it("signs with a random secret and a warning under astro dev (NODE_ENV=development)", async () => {
    vi.stubEnv("FLASH_SECRET", "");
    vi.stubEnv("NODE_ENV", "development");
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const middleware = createFlashMiddleware({ logger });
    const client = browser();
    const post = client.context("/", { method: "POST" });
    client.take(
      await run(
        middleware,
        post,
        answer(post, () => {
          post.locals.flash("dev");
          return new Response(null, { status: 204 });
        }),
      ),
    );
    const get = client.context();
    await run(
      middleware,
      get,
      answer(get, () => {
        expect(get.locals.flash.getFlashedMessages()).toEqual(["dev"]);
        return new Response("x");
      }),
    );
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("no secret given"));
  });
});

describe("isAstroSideRequest", () => {
  it("is true for Astro's prefetches and HEAD, false for a ClientRouter navigation's fetch()", () => {
    const request = (headers: Record<string, string>, method = "GET") =>
      new Request("http://app.test/profile", { method, headers });
    expect(isAstroSideRequest(request({ "sec-purpose": "prefetch", "sec-fetch-dest": "empty" }))).toBe(true);
    expect(isAstroSideRequest(request({ "sec-purpose": "prefetch;prerender" }))).toBe(true);
    expect(isAstroSideRequest(request({}, "HEAD"))).toBe(true);
    expect(isAstroSideRequest(request({ "sec-fetch-dest": "empty", "sec-fetch-mode": "cors" }))).toBe(false);
    expect(isAstroSideRequest(request({ "sec-fetch-dest": "document" }))).toBe(false);
  });
});
