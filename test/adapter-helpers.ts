/**
 * Helpers for the adapter tests: stores (on Web Crypto, slow, broken), an upstream server to proxy,
 * and the checks every adapter must pass, written once.
 */
import { getRequestListener } from "@hono/node-server";
import { expect, vi } from "vitest";
import { type CookieStoreOptions, createFlash, type FlashStore } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { createBrowserClient } from "../src/testing/browser-client.js";
import type { CookieJar } from "../src/testing/cookie-jar.js";
import { startServer } from "../src/testing/server.js";
import { fakeRequest, SECRET, testJar } from "./helpers.js";

/**
 * A cookie store signing with Web Crypto (as on Bun, Deno and edge runtimes) inside a Node test run:
 * a fresh instance of src/stores/cookie.ts whose `#signing` import is the Web Crypto build, so its
 * `load()` and `commit()` return promises. Other imports of the same test file keep the Node build.
 */
export async function webCryptoCookieStore(options: CookieStoreOptions): Promise<FlashStore> {
  vi.resetModules();
  vi.doMock("#signing", () => import("../src/core/signing-web.js"));
  try {
    const { cookieStore } = await import("../src/stores/cookie.js");
    return cookieStore(options);
  } finally {
    vi.doUnmock("#signing");
  }
}

/**
 * Wraps a synchronous store so that `load()` resolves later and `commit()` finishes `delayMs` after
 * it wrote its cookies, pushing `"committed"` to `events` when it is done.
 */
export function slowStore(inner: FlashStore, events: string[], delayMs = 30): FlashStore {
  return {
    name: "slow",
    maxBytes: inner.maxBytes,
    measure: (entry) => inner.measure(entry),
    load: (request) => Promise.resolve(inner.load(request)),
    async commit(request, delta) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await inner.commit(request, delta);
      events.push("committed");
    },
  };
}

/** A memory store whose commit fails, as a store whose backend is down. */
export function brokenStore(): FlashStore {
  const inner = memoryStore();
  return {
    name: "broken",
    maxBytes: inner.maxBytes,
    measure: (entry) => inner.measure(entry),
    load: (request) => inner.load(request),
    commit: () => Promise.reject(new Error("backend down")),
  };
}

/**
 * A proxying handler keeps the upstream response and its cookie: `start(upstreamUrl)` builds the app,
 * whose `/proxy` flashes `"proxied"` and returns `fetch(upstreamUrl)` (a server whose responses carry
 * a cookie of their own, closed afterwards), and returns its client's `get`. The flash cookie is added
 * after the upstream one, though a fetched response's headers are immutable.
 */
export async function expectProxiedResponse(start: (upstreamUrl: string) => Promise<Get>): Promise<void> {
  const upstream = await startServer((_req, res) => {
    res.setHeader("Set-Cookie", ["upstream=1; Path=/"]);
    res.end("from upstream");
  });
  try {
    const get = await start(upstream.url);
    const proxied = await get("/proxy");
    expect(proxied.text).toBe("from upstream");
    expect(proxied.setCookies).toEqual(["upstream=1; Path=/", expect.stringMatching(/^flash\./)]);
    expect(JSON.parse((await get("/read")).text)).toEqual([["message", "proxied"]]);
  } finally {
    await upstream.close();
  }
}

/**
 * A fetch handler runs on Node through @hono/node-server: over a real server, a browser flashes at
 * `/flash`, follows the redirect to `/read`, reads the message there once and is left with no cookie.
 */
export async function expectRunsOnNode(
  fetchHandler: (request: Request) => Response | Promise<Response>,
): Promise<void> {
  const server = await startServer(getRequestListener(fetchHandler));
  try {
    const browser = createBrowserClient(server.url);
    const page = await browser.fetch("/flash?m=over%20the%20wire&c=info");
    expect(page.url).toBe(`${server.url}/read`);
    expect(await page.json()).toEqual([["info", "over the wire"]]);
    expect(browser.cookies()).toEqual([]);
  } finally {
    await server.close();
  }
}

/**
 * Runs `attempt` (a `flash()` after the response went out) and hands `record` the `code` of the
 * `FlashError` it throws.
 */
export function recordErrorCode(attempt: () => unknown, record: (code: string) => unknown): void {
  try {
    attempt();
  } catch (error) {
    record((error as { code: string }).code);
  }
}

/** Flash cookies a client may forge or break: each must read as no message. */
export const FORGED_COOKIES = [
  "flash.0000000000012345=garbage",
  `flash.${"z".repeat(11)}abcdef=a.${"b".repeat(43)}`,
  "flash.",
];

/** One reply as the adapter tests look at it. */
export interface Reply {
  readonly res: Response;
  readonly setCookies: string[];
  readonly text: string;
}

/** A browser-like GET (cookies sent and applied, redirects not followed). */
export type Get = (path: string) => Promise<Reply>;

/** A browser over a listening server, as {@link manualBrowser} returns it. */
export interface ManualBrowser {
  /** flashkit/testing's client underneath, for its cookies. */
  readonly client: ReturnType<typeof createBrowserClient>;
  /** Requests `path` (a GET unless `init` says otherwise) without following a redirect. */
  get(path: string, init?: RequestInit): Promise<Reply>;
  /** The JSON body of `/read`. */
  read(): Promise<unknown>;
}

/** A browser (flashkit/testing's client) at `base` that never follows redirects, returning the whole reply. */
export function manualBrowser(base: string): ManualBrowser {
  const client = createBrowserClient(base);
  const get = async (path: string, init: RequestInit = {}): Promise<Reply> => {
    const res = await client.fetch(path, { redirect: "manual", ...init });
    return { res, setCookies: res.headers.getSetCookie(), text: await res.text() };
  };
  return { client, get, read: async () => JSON.parse((await get("/read")).text) };
}

/**
 * Calls a fetch handler (a Web-standard one, or a Hono app's `request`) as a browser would: requests
 * go to `http://app.test`, carry its cookies, and each response's Set-Cookie is applied.
 */
export function fetchClient(handler: (request: Request) => Response | Promise<Response>): {
  readonly cookies: CookieJar;
  readonly get: Get;
} {
  const cookies = testJar();
  return {
    cookies,
    async get(path) {
      const headers = new Headers();
      if (cookies.header()) headers.set("cookie", cookies.header());
      const res = await handler(new Request(new URL(path, "http://app.test"), { headers }));
      const setCookies = res.headers.getSetCookie();
      cookies.apply(setCookies);
      return { res, setCookies, text: await res.text() };
    },
  };
}

/** The two builds of the cookie store an adapter on Web Crypto-capable runtimes is tested over. */
export const SIGNERS: Array<[signer: "node:crypto" | "Web Crypto", makeStore: () => Promise<FlashStore>]> = [
  ["node:crypto", async () => cookieStore({ secret: SECRET })],
  ["Web Crypto", () => webCryptoCookieStore({ secret: SECRET })],
];

/**
 * The store of one of {@link SIGNERS} signs as its name says (a Web Crypto commit is a promise, a
 * node:crypto one is not), so the adapter's tests over it run on the path they name.
 */
export async function expectSigner(signer: string, makeStore: () => Promise<FlashStore>): Promise<void> {
  const jar = createFlash({ store: await makeStore() }).open(fakeRequest());
  jar.flash("x");
  const committed = jar.commit();
  expect(committed instanceof Promise).toBe(signer === "Web Crypto");
  await committed;
}

/**
 * The flow every adapter must get right, over its app's routes `/flash?m=&c=` (flashes, redirects to
 * `/read`), `/read` (the pairs as JSON) and `/quiet` (neither flashes nor reads).
 */
export async function expectRedirectFlow(get: Get): Promise<void> {
  expect((await get("/quiet")).setCookies).toEqual([]);
  const flashed = await get("/flash?m=Profile%20updated%20successfully!&c=success");
  expect(flashed.res.status).toBe(302);
  expect(flashed.setCookies).toHaveLength(1);
  expect((await get("/quiet")).setCookies).toEqual([]);
  expect(JSON.parse((await get("/read")).text)).toEqual([["success", "Profile updated successfully!"]]);
  expect(JSON.parse((await get("/read")).text)).toEqual([]);
}

/**
 * `flash` and `getFlashedMessages` made on first use (accessors on the framework's request prototype),
 * over an app whose middleware or hook before flashkit records `typeof` both into `seen`, whose
 * `/replace` assigns its own `flash` for that request, and whose other paths record whether both keep
 * their identity, flash `from PATH` and answer `flash.peek()`.
 */
export async function expectRequestApiOnFirstUse(get: Get, seen: unknown[]): Promise<void> {
  expect(JSON.parse((await get("/a")).text)).toEqual(["from /a"]);
  expect((await get("/replace")).text).toBe("replaced");
  // the replacement was this request's own: the next one has flashkit's again
  expect(JSON.parse((await get("/b")).text)).toEqual(["from /a", "from /b"]);
  expect(seen).toEqual([
    ...["undefined", "undefined", true, true],
    ...["undefined", "undefined", "own: hi"],
    ...["undefined", "undefined", true, true],
  ]);
}

/**
 * The API beyond Flask, the same in every adapter, over `/flash` and `/read` plus `/now` (`now()`
 * then a read), `/peek` (answers `peek()`) and `/keep` (reads, `keep()`s, answers what it read).
 */
export async function expectNowKeepPeek(get: Get): Promise<void> {
  const now = await get("/now");
  expect(JSON.parse(now.text)).toEqual(["this response only"]);
  expect(now.setCookies).toEqual([]);
  await get("/flash?m=kept");
  expect(JSON.parse((await get("/peek")).text)).toEqual(["kept"]);
  expect(JSON.parse((await get("/keep")).text)).toEqual(["kept"]);
  expect(JSON.parse((await get("/read")).text)).toEqual([["message", "kept"]]);
  expect(JSON.parse((await get("/peek")).text)).toEqual([]);
}

/**
 * Fetches each `[path, body, Set-Cookie count]` and checks body and cookie count, then that `/read`
 * answers `read`.
 */
export async function expectResponses(
  get: Get,
  cases: ReadonlyArray<readonly [path: string, body: string, cookies: number]>,
  read: unknown,
): Promise<void> {
  for (const [path, body, cookies] of cases) {
    const { setCookies, text } = await get(path);
    expect(text, path).toBe(body);
    expect(setCookies, path).toHaveLength(cookies);
  }
  expect(JSON.parse((await get("/read")).text)).toEqual(read);
}

/**
 * A request that fails after reading and flashing still commits, as Flask saves the session on a 500:
 * after `/flash?m=read-by-the-failing-request`, `path` (which reads, flashes `flashed` and fails) must
 * answer 500 with two cookies (the read message's removal and the new one), and `/read` `[flashed]`.
 */
export async function expectFailingRequestCommits(
  get: Get,
  path: string,
  flashed: readonly [string, unknown],
): Promise<void> {
  await get("/flash?m=read-by-the-failing-request");
  const failed = await get(path);
  expect(failed.res.status).toBe(500);
  expect(failed.setCookies).toHaveLength(2);
  expect(JSON.parse((await get("/read")).text)).toEqual([flashed]);
}

/**
 * The body kinds every web-style adapter commits onto, over its app's routes `/html` (flashes `"h"`),
 * `/json` (flashes `{ any: "json" }` as `"info"`), `/stream` (flashes `"s"`, streams `"streamed body"`)
 * and `/empty` (flashes `"e"`, answers 204): each answer keeps its body and carries one flash cookie.
 * `own` are the adapter's own `[path, body, Set-Cookie count]` cases, fetched after those, and
 * `ownRead` the pairs they flash; `/read` must then answer all of them in order.
 */
export async function expectBodyKinds(
  get: Get,
  own: ReadonlyArray<readonly [path: string, body: string, cookies: number]>,
  ownRead: readonly unknown[],
): Promise<void> {
  await expectResponses(
    get,
    [
      ["/html", "<p>html</p>", 1],
      ["/json", '{"ok":true}', 1],
      ["/stream", "streamed body", 1],
      ["/empty", "", 1],
      ...own,
    ],
    [["message", "h"], ["info", { any: "json" }], ["message", "s"], ["message", "e"], ...ownRead],
  );
}

/**
 * Every adapter refuses a bad configuration at start-up: `build` is the adapter's factory (or a
 * function handing it its options).
 */
export function expectBadConfigurationFails(
  build: (options: { secret?: string; store?: FlashStore }) => unknown,
): void {
  expect(() => build({ secret: "short" })).toThrowError(/shorter than 32 bytes/);
  expect(() => build({ store: memoryStore(), secret: SECRET })).toThrowError(/your own `store`/);
}

/**
 * Every adapter finds the secret alike: with neither `secret` nor `store`, the default cookie store
 * signs with `FLASH_SECRET`. With it set (and `NODE_ENV=production`, where a missing secret fails),
 * `flashOnce()` builds the adapter with no options, flashes `"signed with FLASH_SECRET"` in one request
 * and returns that response's Set-Cookie headers, which a store holding the same secret must read;
 * with `FLASH_SECRET` empty, `build()` (the adapter's factory, no options) must fail at start-up.
 */
export async function expectSecretFromEnvironment(
  build: () => unknown,
  flashOnce: () => Promise<readonly string[]>,
): Promise<void> {
  vi.stubEnv("NODE_ENV", "production");
  try {
    vi.stubEnv("FLASH_SECRET", SECRET);
    const cookies = testJar();
    cookies.apply(await flashOnce());
    const jar = createFlash({ store: cookieStore({ secret: SECRET }) }).open(fakeRequest(cookies.header()));
    await jar.load();
    expect(jar.getFlashedMessages()).toEqual(["signed with FLASH_SECRET"]);
    vi.stubEnv("FLASH_SECRET", "");
    expect(build).toThrowError(/needs a secret in production/);
  } finally {
    vi.unstubAllEnvs();
  }
}
