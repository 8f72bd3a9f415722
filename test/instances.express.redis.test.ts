/**
 * Many instances: two app processes (Express + the Redis store, one over ioredis, one over
 * node-redis, both built from these sources by esbuild) share one `redis-server`; one browser-like
 * cookie jar sends each request to either at random (cookies are not scoped by port, so both see
 * the same cookies, as behind a load balancer).
 *
 * - the 48 public Flask scenarios give Flask's exact results and cookie behaviour;
 * - a random sequential workload (flashes, reads, flash-read-flash, filtered reads) shows every
 *   message once per read, in order, as a model of Flask's semantics predicts;
 * - the no-loss workload with its requests spread over both instances loses nothing;
 * - the `redis` entry of flashkit/testing does not keep a process alive.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserClient, createBrowserClient } from "../src/testing/index.js";
import { expected, scenarios } from "./conformance-suite.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

const SECRET = "many-instances-secret-0123456789-0123456789";
const OUT_DIR = fileURLToPath(new URL("../node_modules/.cache/flashkit-redis-tests/", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/redis/${name}.ts`, import.meta.url));

/**
 * Bundles the fixtures from the sources (the `flashkit-source` condition), every package (frameworks,
 * clients, and the optional peers the test apps load on use) left external.
 */
async function bundleFixtures(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  await build({
    entryPoints: [fixture("instance"), fixture("entry-exits")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["flashkit-source"],
    packages: "external",
    outdir: OUT_DIR,
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
  });
}

interface Child {
  readonly process: ChildProcess;
  /** The first line the child printed, parsed. */
  readonly hello: Record<string, unknown>;
  /** Everything it wrote to stderr. */
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Runs a bundled fixture and waits for its first line of JSON on stdout. */
async function run(name: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [`${OUT_DIR}${name}.mjs`], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", resolve);
    exited.then((code) => reject(new Error(`${name} exited (${code}) before printing: ${stderr}`)));
    setTimeout(() => reject(new Error(`${name} printed nothing within 10 s: ${stderr}`)), 10_000).unref();
  });
  return { process: child, hello: JSON.parse(line) as Record<string, unknown>, stderr: () => stderr, exited };
}

/** Deep equality of parsed JSON (object key order irrelevant, array order significant). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => Object.hasOwn(rb, k) && jsonEqual((a as Record<string, unknown>)[k], rb[k]))
  );
}

describe.skipIf(!HAS_REDIS)("two app instances sharing one Redis", () => {
  let redis: RedisServer;
  let admin: Redis;
  const instances: Child[] = [];
  const urls: string[] = [];
  const served = [0, 0];

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    await bundleFixtures();
    for (const client of ["ioredis", "node-redis"]) {
      const child = await run("instance", { REDIS_URL: redis.url, FLASH_SECRET: SECRET, REDIS_CLIENT: client });
      instances.push(child);
      urls.push(String(child.hello.url));
    }
  }, 60_000);

  afterAll(async () => {
    for (const child of instances) child.process.kill("SIGTERM");
    const codes = await Promise.all(instances.map((child) => child.exited));
    admin?.disconnect();
    await redis?.close();
    expect(codes).toEqual(instances.map(() => 0));
    for (const child of instances) expect(child.stderr()).toBe("");
  });

  /** `POST /do` with `ops` to a random instance, through the shared cookie jar. */
  async function post(browser: BrowserClient, ops: readonly unknown[]): Promise<Response> {
    const pick = Math.random() < 0.5 ? 0 : 1;
    served[pick]!++;
    return browser.fetch(`${urls[pick]}/do`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ops }),
    });
  }

  it("gives Flask's results on the 48 public scenarios, each request on a random instance", async () => {
    const found: string[] = [];
    for (const [index, scenario] of scenarios.entries()) {
      const reference = expected[index]!;
      const browser = createBrowserClient(urls[0]!);
      let heldBefore = false;
      for (const [r, ops] of scenario.requests.entries()) {
        const want = reference.requests[r]!;
        const where = `scenario ${index} "${scenario.name}", request ${r}`;
        const response = await post(browser, ops);
        const body = (await response.json()) as { results?: unknown[] };
        if (response.status !== want.status || !jsonEqual(body.results, want.results)) {
          found.push(`${where}: ${response.status} ${JSON.stringify(body)}, Flask ${JSON.stringify(want.results)}`);
        }
        const setCookie = response.headers.getSetCookie().length > 0;
        const wantSetCookie = want.set_cookie && !(want.session_deleted && !heldBefore);
        if (setCookie !== wantSetCookie) found.push(`${where}: Set-Cookie ${setCookie ? "sent" : "not sent"}`);
        const holds = browser.cookies().some((cookie) => cookie.name.startsWith("flash."));
        if (holds !== want.session_after) found.push(`${where}: holds a flash cookie: ${holds}`);
        heldBefore = want.session_after;
      }
    }
    expect(found).toEqual([]);
    expect(Math.min(...served)).toBeGreaterThan(20);
  });

  it("shows every message once per read, in order, over a random workload", async () => {
    await admin.flushdb();
    const browser = createBrowserClient(urls[0]!);
    const categories = ["success", "error", "info", "message"];
    let pending: Array<[string, string]> = [];
    let next = 0;
    const fresh = (): [string, string] => [categories[next % 4]!, `m${next++}`];
    const flashOp = ([category, message]: [string, string]) => ({ op: "flash", message, category });
    let reads = 0;
    let shown = 0;

    for (let step = 0; step < 300; step++) {
      const kind = Math.floor(Math.random() * 5);
      let ops: unknown[];
      let want: unknown[];
      if (kind <= 1) {
        const added = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, fresh);
        ops = added.map(flashOp);
        want = added.map(() => null);
        pending.push(...added);
      } else if (kind === 2) {
        ops = [{ op: "get", with_categories: true }];
        want = [pending];
        pending = [];
      } else if (kind === 3) {
        const before = fresh();
        const after = fresh();
        ops = [flashOp(before), { op: "get", with_categories: true }, flashOp(after)];
        want = [null, [...pending, before], null];
        pending = [after];
      } else {
        const filter = [categories[Math.floor(Math.random() * 4)]!];
        ops = [{ op: "get", with_categories: true, category_filter: filter }];
        want = [pending.filter(([category]) => filter.includes(category))];
        pending = [];
      }
      for (const result of want) {
        if (Array.isArray(result)) {
          reads++;
          shown += result.length;
        }
      }
      const response = await post(browser, ops);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { results: unknown[] }).results, `step ${step}`).toEqual(want);
    }
    const response = await post(browser, [{ op: "get", with_categories: true }]);
    expect(((await response.json()) as { results: unknown[] }).results).toEqual([pending]);
    expect(browser.cookies()).toEqual([]);
    expect(await admin.keys("*")).toEqual([]);
    console.log(`many instances: ${next} messages flashed, ${reads} reads showed ${shown}; served ${served.join("/")}`);
  });

  it("loses nothing when overlapping requests land on both instances", async () => {
    await admin.flushdb();
    const browser = createBrowserClient(urls[0]!);
    const seen = new Map<string, number>();
    const read = async () => {
      const response = await post(browser, [{ op: "get" }]);
      for (const message of ((await response.json()) as { results: [string[]] }).results[0]) {
        seen.set(message, (seen.get(message) ?? 0) + 1);
      }
    };
    const flashed: string[] = [];
    for (let round = 0; round < 100; round++) {
      const requests: Promise<unknown>[] = [];
      for (let k = 0; k < 3; k++) {
        const id = `r${round}m${k}`;
        flashed.push(id);
        requests.push(post(browser, [{ op: "flash", message: id }]).then((response) => response.body?.cancel()));
      }
      requests.push(read());
      await Promise.all(requests);
    }
    await read();
    const lost = flashed.filter((id) => !seen.has(id));
    const twice = [...seen.values()].filter((count) => count > 1).length;
    console.log(`many instances, overlapping: ${flashed.length} flashed, ${lost.length} lost, ${twice} shown twice`);
    expect(lost).toEqual([]);
    expect(twice).toBe(0);
    expect(browser.cookies()).toEqual([]);
    expect(await admin.keys("*")).toEqual([]);
  });

  it("lets a process that used flashkit/testing's `redis` entry exit on its own", async () => {
    const started = Date.now();
    const child = await run("entry-exits", { REDIS_URL: redis.url });
    const code = await Promise.race([
      child.exited,
      new Promise<string>((resolve) => setTimeout(() => resolve("still running after 5 s"), 5000).unref()),
    ]);
    if (code !== 0) child.process.kill("SIGKILL");
    expect(code).toBe(0);
    expect(child.stderr()).toBe("");
    const [cookie] = child.hello.cookies as string[];
    const owner = cookie?.split("=")[1]?.split(".")[0];
    expect(await admin.hvals(`flashkit-conformance:${owner}`)).toEqual(['["message","from a process that exits"]']);
    console.log(`the redis entry's process exited by itself after ${Date.now() - started} ms`);
  });
});
