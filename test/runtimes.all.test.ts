/**
 * The Flask conformance suite and the no-loss workload against `scripts/conformance-server.js`
 * running on another runtime, driven over HTTP from this (Node) process: what `.ci/run`'s runtime
 * matrix (scripts/runtime-matrix.js) runs for Bun and Deno, Hono and fetch served by Bun.serve /
 * Deno.serve, Express, Fastify and Koa by the runtime's node:http.
 *
 *   FLASHKIT_RUNTIME=bun|deno|node22|node24|node (unset: the script on this Node, the Hono conformance
 *     app and the fetch no-loss app only, which keeps the `--runtime` plumbing tested in `npm test`)
 *   FLASHKIT_ADAPTERS="hono fetch" (default: all five)
 *
 * Needs `dist/` (npm run build) and, for another runtime, `node scripts/runtimes.js install NAME`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";
import type { StartedServer } from "../src/testing/index.js";
import { describeConformance } from "./conformance-suite.js";
import { describeNoLoss } from "./no-loss-suite.js";
import { describeSessionConformance } from "./session-conformance-suite.js";

const RUNTIME = process.env.FLASHKIT_RUNTIME ?? "node";
const ADAPTERS = (process.env.FLASHKIT_ADAPTERS ?? "hono fetch express fastify koa").split(/\s+/).filter(Boolean);
const SESSION_ADAPTERS = new Set(["express", "fastify", "koa"]);
const SCRIPT = fileURLToPath(new URL("../scripts/conformance-server.js", import.meta.url));

/**
 * Starts the conformance server (`app` conformance or no-loss) on RUNTIME and resolves once it printed
 * its URL; `close()` stops it with SIGTERM and waits for it to exit.
 */
function startOnRuntime(adapter: string, store: string, app: string): Promise<Pick<StartedServer, "url" | "close">> {
  const args = [SCRIPT, "--runtime", RUNTIME, "--adapter", adapter, "--store", store, "--app", app, "--port", "0"];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail("did not print its URL within 30 s"), 30_000);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`conformance-server on ${RUNTIME} (${adapter} + ${store}, ${app}) ${why}:\n${output}`));
    }
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      const url = /(http:\/\/127\.0\.0\.1:\d+)\n/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners("data");
      child.stdout?.resume();
      resolve({
        url,
        close: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      });
    });
    child.once("exit", (code) => fail(`exited with code ${code}`));
  });
}

/** What runs: every adapter × store × app on another runtime; in `npm test` (this Node), one of each app. */
function plan(): { adapter: string; store: string; app: "conformance" | "no-loss" }[] {
  if (!process.env.FLASHKIT_RUNTIME) {
    return [
      { adapter: "hono", store: "cookie", app: "conformance" },
      { adapter: "fetch", store: "memory", app: "no-loss" },
    ];
  }
  return ADAPTERS.flatMap((adapter) => [
    { adapter, store: "cookie", app: "conformance" as const },
    { adapter, store: "memory", app: "conformance" as const },
    ...(SESSION_ADAPTERS.has(adapter) ? [{ adapter, store: "session", app: "conformance" as const }] : []),
    { adapter, store: "cookie", app: "no-loss" as const },
    { adapter, store: "memory", app: "no-loss" as const },
  ]);
}

describe(`runtime ${RUNTIME}`, () => {
  for (const { adapter, store, app } of plan()) {
    const label = `${adapter} + ${store} store`;
    const start = () => startOnRuntime(adapter, store, app);
    if (app === "no-loss") describeNoLoss(label, { start, allowDuplicates: store !== "memory" });
    else if (store === "session") describeSessionConformance(label, { store, start });
    else describeConformance(label, { store, start });
  }
});
