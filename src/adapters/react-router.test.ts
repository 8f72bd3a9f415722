import { createCookieSessionStorage, createRequestHandler } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SECRET } from "../../test/helpers.js";
import { FlashError } from "../core/errors.js";
import type { FlashStore } from "../core/types.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { reactRouterHandler } from "../testing/apps/react-router.js";
import { createCookieJar } from "../testing/cookie-jar.js";
import { createReactRouterFlash, sessionStorageStore } from "./react-router.js";

/** A browser's cookies over plain `Request`s to the helpers. */
function browser() {
  const jar = createCookieJar();
  return {
    request: (path = "/", init: RequestInit = {}) =>
      new Request(`http://app.test${path}`, { ...init, headers: { ...init.headers, cookie: jar.header() } }),
    take(headers: Headers) {
      jar.apply(headers.getSetCookie());
    },
    cookies: () => jar.header(),
  };
}

describe("flashkit/react-router through the request", () => {
  const flash = createReactRouterFlash({ secret: SECRET });

  it("redirectWithSuccess flashes and redirects; the root loader's read shows it once", async () => {
    const client = browser();
    const redirected = await flash.redirectWithSuccess(client.request("/profile"), "/profile", "Saved");
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("Location")).toBe("/profile");
    client.take(redirected.headers);
    const first = await flash.getFlashes(client.request());
    expect(first.messages).toEqual([["success", "Saved"]]);
    client.take(first.headers);
    expect(client.cookies()).toBe("");
    expect((await flash.getFlashes(client.request())).messages).toEqual([]);
  });

  it("keeps several messages of any category, in order, with Flask's same-request semantics", async () => {
    const client = browser();
    const request = client.request("/", { method: "POST" });
    const requestFlash = await flash.flashOf(request);
    requestFlash("First", "info");
    requestFlash({ title: "Second" }, "toast");
    const response = await flash.redirectWithFlash(request, "/", "Third", "warning", 303);
    expect(response.status).toBe(303);
    client.take(response.headers);
    const read = client.request();
    const { messages, headers } = await flash.getFlashes(read, { categoryFilter: ["info", "warning"] });
    expect(messages).toEqual([
      ["info", "First"],
      ["warning", "Third"],
    ]);
    // The first read of a request took everything: the same request's later read returns the same list.
    expect((await flash.flashOf(read)).getFlashedMessages({ withCategories: true })).toHaveLength(3);
    // The read committed: what it consumed (all three) goes in its headers, nothing is left to commit.
    expect((await flash.flashHeaders(read)).getSetCookie()).toEqual([]);
    client.take(headers);
    expect(client.cookies()).toBe("");
  });

  it("replaceWith… sends React Router's replace header; dataWith… keeps the init and its headers", async () => {
    const client = browser();
    const replaced = await flash.replaceWithWarning(client.request(), "/cart", "Out of stock");
    expect(replaced.headers.get("X-Remix-Replace")).toBe("true");
    expect(replaced.headers.getSetCookie()).toHaveLength(1);
    const result = await flash.dataWithError(
      client.request("/login", { method: "POST" }),
      { username: "ada" },
      "Invalid username or password",
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
    expect(result.type).toBe("DataWithResponseInit");
    expect(result.data).toEqual({ username: "ada" });
    expect(result.init?.status).toBe(400);
    const headers = new Headers(result.init?.headers);
    expect(headers.get("Cache-Control")).toBe("no-store");
    expect(headers.getSetCookie()).toHaveLength(1);
  });

  it("a prefetch reads the messages and consumes nothing", async () => {
    const client = browser();
    client.take((await flash.redirectWithInfo(client.request(), "/", "Pending")).headers);
    const prefetch = client.request("/next.data", { headers: { "Sec-Purpose": "prefetch" } });
    const peeked = await flash.getFlashes(prefetch);
    expect(peeked.messages).toEqual([["info", "Pending"]]);
    expect(peeked.headers.getSetCookie()).toEqual([]);
    expect((await flash.getFlashes(client.request())).messages).toEqual([["info", "Pending"]]);
  });

  it("refuses a flash after the request committed, and anything but a request or the route's arguments", async () => {
    const request = browser().request();
    await flash.getFlashes(request);
    await expect(flash.redirectWithSuccess(request, "/", "Late")).rejects.toMatchObject({
      code: "ERR_FLASH_HEADERS_SENT",
    });
    await expect(flash.getFlashes({} as Request)).rejects.toThrow(TypeError);
  });

  it("hands a failed commit to onCommitError, whose response is sent instead", async () => {
    const failing: FlashStore = {
      ...memoryStore(),
      commit() {
        throw new FlashError("ERR_FLASH_STORE_UNAVAILABLE", "down");
      },
    };
    const warnings: string[] = [];
    const onCommitError = vi.fn(() => new Response("Try again", { status: 503 }));
    const kit = createReactRouterFlash({
      store: failing,
      onCommitError,
      logger: { debug() {}, warn: (m) => warnings.push(m) },
    });
    const request = browser().request("/", { method: "POST" });
    const response = await kit.redirectWithSuccess(request, "/", "Saved");
    expect(response.status).toBe(503);
    expect(onCommitError).toHaveBeenCalledWith(expect.any(FlashError), request, expect.any(Response));
    expect(warnings).toEqual([expect.stringContaining("could not commit")]);
  });

  it("refuses sessionStore(), pointing to sessionStorageStore()", () => {
    expect(() => createReactRouterFlash({ store: sessionStore() })).toThrow(/sessionStorageStore/);
  });
});

describe("flashkit/react-router's middleware", () => {
  /** A React Router app of two resource routes behind flashkit's middleware, served by React Router's handler. */
  function app(withMiddleware = true) {
    const kit = createReactRouterFlash({ secret: SECRET });
    const routes = {
      root: { path: "", module: withMiddleware ? { middleware: [kit.middleware] } : {} },
      save: {
        path: "save",
        module: {
          action: async (args: { request: Request; context: unknown }) => {
            (await kit.flashOf(args))("One", "info");
            const response = await kit.redirectWithSuccess(args, "/read", "Two");
            // The middleware commits: the helper's response carries no cookie of its own.
            expect(response.headers.getSetCookie()).toEqual([]);
            return response;
          },
        },
      },
      login: {
        path: "login",
        module: {
          action: (args: { request: Request; context: unknown }) => kit.dataWithError(args, null, "Invalid"),
          loader: async (args: { request: Request; context: unknown }) => (await kit.getFlashes(args)).messages,
          default: () => null,
        },
      },
      boom: {
        path: "boom",
        module: {
          loader: async (args: { request: Request; context: unknown }) => {
            (await kit.flashOf(args))("Something went wrong", "error");
            throw new Error("boom");
          },
          default: () => null,
        },
      },
      read: {
        path: "read",
        module: {
          loader: async (args: { request: Request; context: unknown }) => {
            const { messages, headers } = await kit.getFlashes(args);
            expect(headers.getSetCookie()).toEqual([]);
            return Response.json(messages);
          },
        },
      },
    };
    return reactRouterHandler(createRequestHandler, routes, {
      middleware: withMiddleware,
      document: (status, headers, loaderData) =>
        status === 500
          ? new Response("error page", { status, headers })
          : Response.json(loaderData, { status, headers }),
    });
  }

  it("holds one jar per request and commits it onto the response", async () => {
    const handle = app();
    const client = browser();
    const saved = await handle(client.request("/save", { method: "POST" }));
    expect(saved.status).toBe(302);
    expect(saved.headers.getSetCookie()).toHaveLength(2);
    client.take(saved.headers);
    const read = await handle(client.request("/read"));
    expect(await read.json()).toEqual([
      ["info", "One"],
      ["success", "Two"],
    ]);
    client.take(read.headers);
    expect(client.cookies()).toBe("");
  });

  it("shares one jar between a document POST's action and loaders: the action's message shows in that page", async () => {
    const page = await app()(browser().request("/login", { method: "POST", body: new URLSearchParams() }));
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ login: [["error", "Invalid"]] });
    // Flashed and read in one request: never stored, as in Flask.
    expect(page.headers.getSetCookie()).toEqual([]);
  });

  it("without it, the action and the loaders of a document POST each have their own jar: the message shows next", async () => {
    const handle = app(false);
    const client = browser();
    const page = await handle(client.request("/login", { method: "POST", body: new URLSearchParams() }));
    expect(await page.json()).toEqual({ login: [] });
    client.take(page.headers);
    const next = await handle(client.request("/login"));
    expect(await next.json()).toEqual({ login: [["error", "Invalid"]] });
  });

  it("commits onto the error page of a route that throws to its error boundary", async () => {
    const handle = app();
    const client = browser();
    const failed = await handle(client.request("/boom"));
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("error page");
    client.take(failed.headers);
    const read = await handle(client.request("/read"));
    expect(await read.json()).toEqual([["error", "Something went wrong"]]);
  });
});

describe("sessionStorageStore", () => {
  it("keeps the messages in a React Router cookie session of their own", async () => {
    const storage = createCookieSessionStorage({ cookie: { name: "__flash", secrets: [SECRET], path: "/" } });
    const kit = createReactRouterFlash({ store: sessionStorageStore(storage, { maxBytes: 2900 }) });
    const client = browser();
    const response = await kit.redirectWithSuccess(client.request(), "/", "Saved");
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^__flash=/)]);
    client.take(response.headers);
    const first = await kit.getFlashes(client.request());
    expect(first.messages).toEqual([["success", "Saved"]]);
    client.take(first.headers);
    expect((await kit.getFlashes(client.request())).messages).toEqual([]);
    await expect(kit.redirectWithError(client.request(), "/", "x".repeat(3000))).rejects.toMatchObject({
      code: "ERR_FLASH_MESSAGE_TOO_LARGE",
    });
  });

  it("refuses what is not a session storage", () => {
    expect(() => sessionStorageStore({} as never)).toThrow(/SessionStorage/);
  });
});

describe("the default helpers", () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
    vi.resetModules();
  });

  it("sign with FLASH_SECRET, made on first use: importing them never fails, a production request without it does", async () => {
    process.env.NODE_ENV = "production";
    delete process.env.FLASH_SECRET;
    const unset = await import("./react-router.js");
    await expect(unset.redirectWithSuccess(new Request("http://app.test/"), "/", "Saved")).rejects.toMatchObject({
      code: "ERR_FLASH_CONFIG",
    });
    vi.resetModules();
    process.env.FLASH_SECRET = SECRET;
    const set = await import("./react-router.js");
    const response = await set.redirectWithSuccess(new Request("http://app.test/"), "/", "Saved");
    const cookie = response.headers.getSetCookie()[0]!.split(";")[0]!;
    const read = await set.getFlashes(new Request("http://app.test/", { headers: { cookie } }));
    expect(read.messages).toEqual([["success", "Saved"]]);
  });
});
