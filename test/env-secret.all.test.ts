/**
 * The secret from the request's env (Cloudflare Workers' bindings), on flashkit/fetch and
 * flashkit/hono: a `secret` function called per request, and the default where `process.env` has no
 * FLASH_SECRET on Workers (or where there is no `process`). Inside workerd itself:
 * env-secret.workerd.test.ts.
 */
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FetchFlashOptions, flashOf, withFlash } from "../src/adapters/fetch.js";
import { flash, type HonoFlashOptions } from "../src/adapters/hono.js";
import { createFlash, FlashError } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { createCookieJar } from "../src/testing/cookie-jar.js";
import { fakeRequest, SECRET } from "./helpers.js";

const OTHER_SECRET = "another-secret-0123456789-0123456789-xyz";

interface Env {
  FLASH_SECRET?: string;
}

/** An app of one adapter: `GET /flash?m=` flashes and redirects, `GET /read` answers the messages. */
type App = (request: Request, env: Env) => Promise<Response>;

interface Subject {
  /** The app over the adapter built with `options`; `seen` collects what reached the route. */
  build(options: object, seen?: string[]): App;
  /** The adapter's `secret` function, reading the env through `read`. */
  secretFunction(read: (env: Env) => unknown): object;
}

async function route(url: URL, flashApi: ReturnType<typeof flashOf>, seen?: string[]): Promise<Response> {
  seen?.push(url.pathname);
  if (url.pathname === "/flash") {
    flashApi(url.searchParams.get("m") ?? "", "success");
    return new Response(null, { status: 303, headers: { location: "/read" } });
  }
  return Response.json(flashApi.getFlashedMessages({ withCategories: true }));
}

const SUBJECTS: Record<"fetch" | "hono", Subject> = {
  fetch: {
    build: (options, seen) =>
      withFlash(
        async (request: Request, _env: Env) => route(new URL(request.url), flashOf(request), seen),
        options as FetchFlashOptions<[Env]>,
      ),
    secretFunction: (read) => ({ secret: (_request: Request, env: Env) => read(env) }),
  },
  hono: {
    build: (options, seen) => {
      const app = new Hono<{ Bindings: Env }>();
      app.use(flash(options as HonoFlashOptions));
      app.get("*", (c) => route(new URL(c.req.url), c.var.flash as never, seen));
      app.onError((error, c) => {
        if (error instanceof FlashError) throw error;
        return c.text(String(error), 500);
      });
      return async (request, env) => app.fetch(request, env);
    },
    secretFunction: (read) => ({ secret: (c: { env: Env }) => read(c.env) }),
  },
};

/** A browser over `app`: `get(path, env)` sends its cookies and keeps the ones it gets. */
function browser(app: App) {
  const jar = createCookieJar({ expire: false });
  return {
    jar,
    async get(path: string, env: Env) {
      const headers = jar.header() ? { cookie: jar.header() } : undefined;
      const response = await app(new Request(new URL(path, "http://app.test"), { headers }), env);
      jar.apply(response.headers.getSetCookie());
      return response;
    },
  };
}

/** The messages a cookie store signing with `secret` reads from `cookieHeader`. */
async function readWith(secret: string, cookieHeader: string): Promise<unknown[]> {
  const jar = createFlash({ store: cookieStore({ secret }) }).open(fakeRequest(cookieHeader));
  await jar.load();
  return jar.getFlashedMessages();
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe.each(Object.entries(SUBJECTS))("flashkit/%s: the secret from the request's env", (_name, subject) => {
  it("calls a `secret` function on every request with the runtime's env, signing with what it returns", async () => {
    const calls: unknown[] = [];
    const app = subject.build(
      subject.secretFunction((env) => {
        calls.push(env);
        return env.FLASH_SECRET;
      }),
    );
    const client = browser(app);
    const env = { FLASH_SECRET: SECRET };
    expect((await client.get("/flash?m=Saved", env)).status).toBe(303);
    expect(await readWith(SECRET, client.jar.header())).toEqual(["Saved"]);
    expect(await (await client.get("/read", env)).json()).toEqual([["success", "Saved"]]);
    expect(await (await client.get("/read", env)).json()).toEqual([]);
    expect(calls).toEqual([env, env, env]);
  });

  it("reads a cookie signed with one secret as no message under another, never failing", async () => {
    const client = browser(subject.build(subject.secretFunction((env) => env.FLASH_SECRET)));
    await client.get("/flash?m=Saved", { FLASH_SECRET: SECRET });
    const other = await client.get("/read", { FLASH_SECRET: OTHER_SECRET });
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual([]);
  });

  it("takes a promise (a Secrets Store binding's get()) and a list for rotation, newest first", async () => {
    const signer = browser(subject.build(subject.secretFunction(async (env) => env.FLASH_SECRET)));
    await signer.get("/flash?m=Signed%20before%20the%20rotation", { FLASH_SECRET: OTHER_SECRET });
    const rotated = subject.build(subject.secretFunction(async (env) => [SECRET, env.FLASH_SECRET]));
    const response = await rotated(new Request("http://app.test/read", { headers: { cookie: signer.jar.header() } }), {
      FLASH_SECRET: OTHER_SECRET,
    });
    expect(await response.json()).toEqual([["success", "Signed before the rotation"]]);
  });

  it("fails a request whose `secret` function returns nothing with ERR_FLASH_CONFIG, before the route", async () => {
    const seen: string[] = [];
    const app = subject.build(
      subject.secretFunction((env) => env.FLASH_SECRET),
      seen,
    );
    const failure = await app(new Request("http://app.test/flash?m=x"), {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FlashError);
    expect(failure).toMatchObject({
      code: "ERR_FLASH_CONFIG",
      message: expect.stringMatching(/returned no secret.*FLASH_SECRET/),
    });
    expect(seen).toEqual([]);
    const short = await app(new Request("http://app.test/read"), { FLASH_SECRET: "short" }).catch((e: unknown) => e);
    expect(short).toMatchObject({ code: "ERR_FLASH_CONFIG", message: expect.stringMatching(/shorter than 32 bytes/) });
  });

  it("refuses a `secret` function beside a `store` at start-up", () => {
    expect(() => subject.build({ ...subject.secretFunction(() => SECRET), store: memoryStore() })).toThrowError(
      /your own `store`/,
    );
  });

  it.each([
    ["a runtime without process", () => vi.stubGlobal("process", undefined)],
    [
      "Cloudflare Workers, whose process.env lacks FLASH_SECRET",
      () => vi.stubGlobal("navigator", { userAgent: "Cloudflare-Workers" }),
    ],
  ])("by default in %s, reads env.FLASH_SECRET per request, ERR_FLASH_CONFIG without it", async (_label, stub) => {
    vi.stubEnv("FLASH_SECRET", "");
    const warn = vi.spyOn(console, "warn");
    stub();
    let app: App;
    try {
      app = subject.build({});
    } finally {
      vi.unstubAllGlobals();
    }
    expect(warn).not.toHaveBeenCalled();
    const client = browser(app);
    await client.get("/flash?m=Saved", { FLASH_SECRET: SECRET });
    expect(await readWith(SECRET, client.jar.header())).toEqual(["Saved"]);
    expect(await (await client.get("/read", { FLASH_SECRET: SECRET })).json()).toEqual([["success", "Saved"]]);
    const failure = await app(new Request("http://app.test/read"), {}).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: "ERR_FLASH_CONFIG",
      message: expect.stringMatching(/found no secret.*FLASH_SECRET.*wrangler secret put FLASH_SECRET/),
    });
  });

  it("on Node keeps its start-up default: FLASH_SECRET from process.env, the env argument ignored", async () => {
    vi.stubEnv("FLASH_SECRET", SECRET);
    const client = browser(subject.build({}));
    await client.get("/flash?m=Saved", { FLASH_SECRET: OTHER_SECRET });
    expect(await readWith(SECRET, client.jar.header())).toEqual(["Saved"]);
  });
});
