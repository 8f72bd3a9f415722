/**
 * The Flask conformance suite of the session store, run by conformance.all.session.test.ts (and the
 * runtime matrix's runtimes.all.test.ts): the 48 public Flask scenarios, each with a fresh browser-like
 * client.
 *
 * Results and statuses must equal Flask's exactly. Cookies follow the session middleware, not
 * flashkit: the client holds one session cookie (`connect.sid`, `sessionId`) that the middleware
 * sets once and never deletes, where Flask re-sends its cookie on every change and deletes it when
 * the session empties. So conformance-suite.ts's per-message cookie checks do not apply; what must
 * hold is the other half of Flask's rule: whenever Flask sent no `Set-Cookie` (a request that left
 * the session unchanged), the session store sends none either, because it leaves the session untouched.
 */
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConformanceAppOptions, createBrowserClient, type StartedServer } from "../src/testing/index.js";
import { type ConformanceTarget, expected, scenarios, startTarget } from "./conformance-suite.js";

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

/** The session store's conformance suite against `target`: what `createConformanceApp()` takes, or a server started another way. */
export function describeSessionConformance(label: string, target: ConformanceAppOptions | ConformanceTarget): void {
  describe(`Flask conformance: ${label}`, () => {
    let server: Pick<StartedServer, "url" | "close">;
    beforeAll(async () => {
      server = await startTarget(target);
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
