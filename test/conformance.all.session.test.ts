/**
 * Flask conformance of the session store: the 48 public Flask scenarios on Express (express-session
 * with its MemoryStore), on Fastify (@fastify/cookie + @fastify/session) and on Koa (koa-session,
 * signed cookie sessions), each scenario with a fresh browser-like client.
 *
 * Results and statuses must equal Flask's exactly. Cookies follow the session middleware, not
 * flashkit: the client holds one session cookie (`connect.sid`, `sessionId`) that the middleware
 * sets once and never deletes, where Flask re-sends its cookie on every change and deletes it when
 * the session empties. So conformance-suite.ts's per-message cookie checks do not apply; what must
 * hold is the other half of Flask's rule: whenever Flask sent no `Set-Cookie` (a request that left
 * the session unchanged), the session store sends none either, because it leaves the session untouched.
 * flashkit/react-router's `sessionStorageStore()` runs here over React Router's memory session storage.
 */
import { isDeepStrictEqual } from "node:util";
import { createMemorySessionStorage } from "react-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionStorageStore } from "../src/adapters/react-router.js";
import {
  type ConformanceAppOptions,
  createBrowserClient,
  createConformanceApp,
  type StartedServer,
  startServer,
} from "../src/testing/index.js";
import { expected, scenarios } from "./conformance-suite.js";

/** Runs one scenario and returns every divergence from Flask, described by request and op. */
async function divergences(baseUrl: string, index: number): Promise<string[]> {
  const scenario = scenarios[index]!;
  const reference = expected[index]!;
  const browser = createBrowserClient(baseUrl);
  const found: string[] = [];
  for (const [r, ops] of scenario.requests.entries()) {
    const want = reference.requests[r]!;
    const where = `scenario ${index} "${scenario.name}", request ${r}`;
    const response = await browser.fetch("/do", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ops }),
    });
    const text = await response.text();
    if (response.status !== want.status) {
      found.push(`${where}: status ${response.status} (Flask ${want.status}): ${text.slice(0, 200)}`);
      break;
    }
    const results = (JSON.parse(text) as { results: unknown[] }).results;
    // Order matters in arrays, not among an object's keys (Flask's session sorts them).
    if (!isDeepStrictEqual(results, want.results)) {
      found.push(`${where}:\n  Flask:    ${JSON.stringify(want.results)}\n  flashkit: ${JSON.stringify(results)}`);
    }
    if (!want.set_cookie && response.headers.getSetCookie().length > 0) {
      found.push(`${where}: Set-Cookie sent where Flask sent none: ${response.headers.getSetCookie().join(" | ")}`);
    }
  }
  return found;
}

function describeSessionConformance(label: string, options: ConformanceAppOptions): void {
  describe(`Flask conformance: ${label}`, () => {
    let server: StartedServer;
    beforeAll(async () => {
      server = await startServer(await createConformanceApp(options));
    });
    afterAll(() => server?.close());

    it.each(scenarios.map((s, i) => [s.name, i] as const))("%s", async (_name, index) => {
      expect(await divergences(server.url, index)).toEqual([]);
    });

    it("keeps the session cookie out of requests that neither flash nor read", async () => {
      const browser = createBrowserClient(server.url);
      const post = (ops: unknown[]) =>
        browser.fetch("/do", { method: "POST", body: JSON.stringify({ ops }) }).then(async (response) => ({
          body: await response.json(),
          setCookies: response.headers.getSetCookie(),
        }));
      expect((await post([])).setCookies).toEqual([]);
      expect((await post([{ op: "get" }])).setCookies).toEqual([]);
      const flashed = await post([{ op: "flash", message: "pending" }]);
      // The session middleware's cookie (koa-session adds its signature cookie), never a flash cookie.
      expect(flashed.setCookies.length).toBeGreaterThan(0);
      expect(browser.cookies().length).toBe(flashed.setCookies.length);
      for (const cookie of browser.cookies()) expect(cookie.name).not.toMatch(/^flash\./);
      expect((await post([])).setCookies).toEqual([]);
      expect((await post([{ op: "get" }])).body).toEqual({ results: [["pending"]] });
      expect((await post([{ op: "get" }])).body).toEqual({ results: [[]] });
    });

    it("answers 400, 404 and /health without creating a session", async () => {
      const bad = await fetch(`${server.url}/do`, { method: "POST", body: '{"ops":[{"op":"flash"}]}' });
      expect(bad.status).toBe(400);
      expect(bad.headers.getSetCookie()).toEqual([]);
      const health = await fetch(`${server.url}/health`);
      expect(await health.text()).toBe("ok");
      expect(health.headers.getSetCookie()).toEqual([]);
      const missing = await fetch(`${server.url}/nope`);
      expect(missing.status).toBe(404);
      expect(missing.headers.getSetCookie()).toEqual([]);
    });
  });
}

describeSessionConformance("express 5 + session store (express-session)", { adapter: "express", store: "session" });
describeSessionConformance("fastify + session store (@fastify/session)", { adapter: "fastify", store: "session" });
describeSessionConformance("koa 3 + session store (koa-session)", { adapter: "koa", store: "session" });
// A server-side session storage (its cookie holds the session's id): a cookie session storage cannot
// hold long_message's 3015 bytes of JSON in one 4096-byte cookie without Flask's compression.
describeSessionConformance("react-router + sessionStorageStore (createMemorySessionStorage)", {
  adapter: "react-router",
  store: sessionStorageStore(createMemorySessionStorage({ cookie: { name: "__flash" } })),
});
describeSessionConformance("react-router middleware + sessionStorageStore (createMemorySessionStorage)", {
  adapter: "react-router-middleware",
  store: sessionStorageStore(createMemorySessionStorage({ cookie: { name: "__flash" } })),
});

it("refuses the session store on an adapter whose conformance app has no session middleware", async () => {
  for (const adapter of ["hono", "fetch"] as const) {
    await expect(createConformanceApp({ adapter, store: "session" })).rejects.toThrow(
      /the session store needs a session middleware.*use express, fastify, koa/,
    );
  }
});
