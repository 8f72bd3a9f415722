/**
 * The Flask conformance suite, run by every `conformance*.test.ts` against one adapter × store.
 *
 * Flask parity: the 48 public scenarios recorded from real Flask 2.2.2 (test/fixtures/conformance),
 * run live against the conformance app of every adapter × store, each scenario with a fresh
 * browser-like cookie jar and its requests in sequence. Results must equal Flask's exactly.
 *
 * Cookies are compared where the two designs agree. Flask keeps one session cookie and flashkit
 * one cookie per message, so:
 * - whenever Flask sent no `Set-Cookie`, flashkit sends none;
 * - the client holds a flash cookie after a request exactly when Flask's client holds a session
 *   cookie (i.e. when messages are pending), so a client that has read everything holds none;
 * - one deliberate difference: when a request empties a session the client never held (flash and
 *   read in the same request on a fresh client, `flash_and_consume_on_fresh_client`), Flask sends a
 *   deletion cookie and flashkit sends nothing, because nothing was ever stored.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserClient,
  type ConformanceAppOptions,
  createBrowserClient,
  createConformanceApp,
  type StartedServer,
  startServer,
} from "../src/testing/index.js";

export interface Scenario {
  readonly name: string;
  readonly requests: readonly (readonly unknown[])[];
}

export interface ExpectedRequest {
  readonly ops: readonly unknown[];
  readonly status: number;
  readonly results: readonly unknown[];
  readonly set_cookie: boolean;
  readonly session_deleted: boolean;
  readonly session_after: boolean;
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/conformance/${name}`, import.meta.url), "utf8"));
export const scenarios = fixture("scenarios-public.json") as Scenario[];
export const expected = (
  fixture("expected-public.json") as { scenarios: { name: string; requests: ExpectedRequest[] }[] }
).scenarios;

/** Deep equality of parsed JSON; object key order is irrelevant, array order matters. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const rb = b as Record<string, unknown>;
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(rb, k) && jsonEqual((a as Record<string, unknown>)[k], rb[k]))
  );
}

const show = (value: unknown) => JSON.stringify(value);
const holdsFlashCookie = (browser: BrowserClient) => browser.cookies().some((c) => c.name.startsWith("flash."));

/** Runs one scenario and returns every divergence from Flask, described by request and op. */
async function divergences(baseUrl: string, index: number): Promise<string[]> {
  const scenario = scenarios[index]!;
  const reference = expected[index]!;
  const browser = createBrowserClient(baseUrl);
  const found: string[] = [];
  let heldBefore = false;
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
    if (results.length !== want.results.length) {
      found.push(`${where}: ${results.length} results, Flask ${want.results.length}`);
    }
    for (const [k, result] of want.results.entries()) {
      if (!jsonEqual(results[k], result)) {
        found.push(`${where}, op ${k} ${show(ops[k])}:\n  Flask:    ${show(result)}\n  flashkit: ${show(results[k])}`);
      }
    }
    const setCookie = response.headers.getSetCookie().length > 0;
    // Flask deletes a session cookie the client never held; flashkit has nothing to delete.
    const wantSetCookie = want.set_cookie && !(want.session_deleted && !heldBefore);
    if (setCookie !== wantSetCookie) {
      found.push(`${where}: Set-Cookie ${setCookie ? "sent" : "not sent"}, expected ${wantSetCookie ? "one" : "none"}`);
    }
    if (holdsFlashCookie(browser) !== want.session_after) {
      found.push(`${where}: client ${want.session_after ? "holds no" : "still holds a"} flash cookie afterwards`);
    }
    heldBefore = want.session_after;
  }
  if (!reference.requests.at(-1)?.session_after && browser.cookies().length > 0) {
    found.push(
      `scenario ${index} "${scenario.name}": cookies left after everything was read: ${browser.cookieHeader()}`,
    );
  }
  return found;
}

/** A conformance server started elsewhere (another process, another runtime), and its store's name. */
export interface ConformanceTarget {
  readonly store: string;
  start(): Promise<Pick<StartedServer, "url" | "close">>;
}

/** Starts `target`: builds and serves its conformance app, or calls its own `start()`. */
export const startTarget = (target: ConformanceAppOptions | ConformanceTarget) =>
  "start" in target ? target.start() : createConformanceApp(target).then((app) => startServer(app));

/**
 * Runs the 48 public Flask scenarios and the protocol's error handling against one adapter × store:
 * `target` is what `createConformanceApp()` takes, or a server started another way.
 */
export function describeConformance(label: string, target: ConformanceAppOptions | ConformanceTarget): void {
  describe(`Flask conformance: ${label}`, () => {
    let server: Pick<StartedServer, "url" | "close">;
    beforeAll(async () => {
      server = await startTarget(target);
    }, 60_000);
    afterAll(() => server?.close());

    it.each(scenarios.map((s, i) => [s.name, i] as const))("%s", async (_name, index) => {
      expect(await divergences(server.url, index)).toEqual([]);
    });

    it("sends nothing for flash-and-consume on a fresh client, where Flask sends a deletion cookie", async () => {
      const index = scenarios.findIndex((s) => s.name === "flash_and_consume_on_fresh_client");
      expect(expected[index]!.requests[0]).toMatchObject({
        set_cookie: true,
        session_deleted: true,
        session_after: false,
      });
      const browser = createBrowserClient(server.url);
      const response = await browser.fetch("/do", {
        method: "POST",
        body: JSON.stringify({ ops: scenarios[index]!.requests[0] }),
      });
      expect(await response.json()).toEqual({ results: [null, ["x"]] });
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(browser.cookies()).toEqual([]);
    });
  });

  describe(`the conformance protocol: ${label}`, () => {
    let server: Pick<StartedServer, "url" | "close">;
    beforeAll(async () => {
      server = await startTarget(target);
    }, 60_000);
    afterAll(() => server?.close());

    const post = (body: string) => fetch(`${server.url}/do`, { method: "POST", body });

    it.each([
      ["not JSON", "nope"],
      ["no body", ""],
      ["not an object", "[1]"],
      ["no ops", "{}"],
      ["ops not a list", '{"ops":{}}'],
      ["an op that is not an object", '{"ops":[1]}'],
      ["an unknown op", '{"ops":[{"op":"nope"}]}'],
      ["a flash without message", '{"ops":[{"op":"flash"}]}'],
      ["a category that is not a string", '{"ops":[{"op":"flash","message":"m","category":1}]}'],
      ["with_categories not a boolean", '{"ops":[{"op":"get","with_categories":"yes"}]}'],
      ["category_filter not a list of strings", '{"ops":[{"op":"get","category_filter":[1]}]}'],
    ])("answers 400 with a JSON error, changing nothing, for %s", async (_label, body) => {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.any(String) });
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it("checks every op before running any: a bad op after a flash stores nothing", async () => {
      const response = await post('{"ops":[{"op":"flash","message":"x"},{"op":"nope"}]}');
      expect(response.status).toBe(400);
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it("answers GET /health without touching state", async () => {
      const response = await fetch(`${server.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ok");
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it("answers 404 with a JSON error elsewhere", async () => {
      const response = await fetch(`${server.url}/nope`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    });

    it.runIf((target.store ?? "cookie") === "cookie")(
      "answers 422 with the FlashError code for a message too large for a cookie",
      async () => {
        const response = await post(JSON.stringify({ ops: [{ op: "flash", message: "x".repeat(5000) }] }));
        expect(response.status).toBe(422);
        expect(await response.json()).toMatchObject({ code: "ERR_FLASH_MESSAGE_TOO_LARGE" });
      },
    );
  });
}
