/**
 * The memory store under the crash workload: an Express app (`express.urlencoded()` with
 * its default 100 KB limit, the memory store with its defaults) that flashes
 * `"No account found for " + email` runs in a child process limited to a 256 MB heap, and gets
 * 3,000 POSTs of ~100 KB, 8 at a time, each from a fresh client without cookies (as an attacker's
 * script sends them), some from one client that keeps its cookies and never reads, and some from a
 * well-behaved browser that flashes and reads. A quarter of the attacker's emails are 100 KB (refused
 * at `flash()` as too large, the app answers 413); the rest are 30 KB, padded to ~100 KB by another
 * field (stored, until the store's byte bound evicts them).
 *
 * Before the byte bounds the process ran out of memory after ~1,300 such requests (~192 KB of heap
 * per message). Now: the process is alive and answers, its heap after a GC stays within the store's
 * `maxTotalBytes` of where it started, a message flashed before the flood by a browser that has not
 * come back yet is still delivered, every flash-then-read of a well-behaved browser during the flood
 * shows its message, the cookie-keeping client holds at most `maxClientBytes`, and the evictions
 * are reported by one warning, not one per message.
 *
 * FLOOD_REQUESTS changes the number of requests (default 3000).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createBrowserClient } from "../src/testing/index.js";

const REQUESTS = Number(process.env.FLOOD_REQUESTS ?? 3000);
const CONCURRENCY = 8;
/** The memory store's default maxTotalBytes and maxClientBytes (the app uses the defaults). */
const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
const MAX_CLIENT_BYTES = 256 * 1024;
/** Heap the flood may leave beside the store's bound: the app's own caches and what GC does not return at once. */
const SLACK = 8 * 1024 * 1024;

const OUT_DIR = fileURLToPath(new URL("../node_modules/.cache/flashkit-memory-flood/", import.meta.url));
const source = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

interface Stats {
  heapUsed: number;
  rss: number;
  peakHeap: number;
  maxRss: number;
  size: number;
  bytes: number;
  clients: number;
}

let child: ChildProcess;
let url = "";
let stderr = "";
let exited: Promise<number | null>;

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  await build({
    entryPoints: [source("test/fixtures/memory-flood/app.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["flashkit-source"],
    external: ["express"],
    outdir: OUT_DIR,
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
  });
  child = spawn(process.execPath, ["--max-old-space-size=256", "--expose-gc", `${OUT_DIR}app.mjs`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    exited.then((code) => reject(new Error(`the app exited (${code}) before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`the app printed nothing within 10 s: ${stderr}`)), 10_000).unref();
  });
  url = (JSON.parse(line) as { url: string }).url;
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    await exited;
  }
});

async function stats(): Promise<Stats> {
  return (await (await fetch(`${url}/stats`)).json()) as Stats;
}

/** A urlencoded body of `total` bytes whose email field has `emailChars` characters. */
function body(emailChars: number, total: number, tag: string): string {
  const email = `${tag}${"a".repeat(emailChars - tag.length - 12)}@example.com`;
  const head = `email=${encodeURIComponent(email)}`;
  return total > head.length + 5 ? `${head}&pad=${"p".repeat(total - head.length - 5)}` : head;
}

it("survives the crash workload with a bounded heap, delivering a well-behaved browser's messages", async () => {
  const before = await stats();
  const reader = createBrowserClient(url);
  const welcomed = await reader.fetch("/welcome", { method: "POST", redirect: "manual" });
  expect(welcomed.status).toBe(303);

  const hoarder = createBrowserClient(url);
  const visitor = createBrowserClient(url);
  const statuses = new Map<string, number>();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const visitorMisses: unknown[] = [];
  const huge = body(100_000, 100_000, "h");
  const large = (i: number) => body(30_000, 100_000, `n${i}-`);

  let next = 0;
  const started = performance.now();
  async function worker(): Promise<void> {
    for (let i = next++; i < REQUESTS; i = next++) {
      try {
        if (i % 100 === 50) {
          // A well-behaved browser: flash, follow the redirect, see the message.
          const shown = await (await visitor.fetch("/welcome", { method: "POST" })).json();
          if (JSON.stringify(shown) !== '["Welcome back"]') visitorMisses.push(shown);
          count("visitor");
        } else if (i % 10 === 5) {
          // One client that keeps its cookies and never reads.
          const response = await hoarder.fetch("/login", {
            method: "POST",
            redirect: "manual",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: large(i),
          });
          count(`hoarder ${response.status}`);
        } else {
          const response = await fetch(`${url}/login`, {
            method: "POST",
            redirect: "manual",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: i % 4 === 0 ? huge : large(i),
          });
          await response.arrayBuffer();
          count(`fresh ${response.status}`);
        }
      } catch (error) {
        count(`failed: ${(error as Error).cause ?? (error as Error).message}`);
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;

  const after = await stats().catch((error: unknown) => {
    throw new Error(`the app does not answer after the flood (exit code ${child.exitCode}): ${stderr.slice(-1500)}`, {
      cause: error,
    });
  });
  expect(child.exitCode).toBeNull();
  const warnings = stderr.split("\n").filter((line) => line.includes("flashkit:"));
  console.info(
    `memory flood: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)}/s); ` +
      `heap after GC ${(before.heapUsed / 2 ** 20).toFixed(1)} -> ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB, ` +
      `peak heap ${(after.peakHeap / 2 ** 20).toFixed(1)} MiB, peak RSS ${(after.maxRss / 2 ** 20).toFixed(1)} MiB; ` +
      `store ${after.size} messages, ${after.bytes} bytes counted, ${after.clients} clients; ` +
      `${JSON.stringify(Object.fromEntries(statuses))}; ${warnings.length} warning line(s):\n${warnings.join("\n")}`,
  );
  expect(Object.keys(Object.fromEntries(statuses)).filter((key) => key.startsWith("failed"))).toEqual([]);
  expect(statuses.get("fresh 413")).toBeGreaterThan(0);
  expect(statuses.get("fresh 303")).toBeGreaterThan(0);
  expect(after.bytes).toBeLessThanOrEqual(MAX_TOTAL_BYTES);
  expect(after.heapUsed - before.heapUsed).toBeLessThan(MAX_TOTAL_BYTES + SLACK);
  expect(visitorMisses).toEqual([]);
  expect(await (await reader.fetch("/")).json()).toEqual(["Welcome back"]);
  const hoarded = (await (await hoarder.fetch("/login")).json()) as string[];
  expect(hoarded.length).toBeGreaterThan(0);
  expect(hoarded.reduce((sum, message) => sum + 2 * JSON.stringify(["error", message]).length, 0)).toBeLessThanOrEqual(
    MAX_CLIENT_BYTES,
  );
  // one warning at the first eviction; the rest are counted into the next one, at most a minute later
  expect(warnings.length).toBeGreaterThan(0);
  expect(warnings.length).toBeLessThanOrEqual(1 + Math.ceil(seconds / 60));
}, 60_000);
