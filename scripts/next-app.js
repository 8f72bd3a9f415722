#!/usr/bin/env node
// Builds and serves a Next.js app of this repository (test/next-app, examples/next) over the built
// package, for the conformance server, the tests and by hand:
//
//   node scripts/next-app.js DIR [--port N] [--mode prod|dev|standalone] [--build-only]
//
// prod (default) runs `next build` when DIR/.next is older than the app or dist/, then serves it in
// this process; standalone builds with `output: "standalone"` and runs its server.js; dev runs
// `next dev`. Prints "next-app: running at http://127.0.0.1:PORT/" once it answers.
import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { definedEnvironment, freePort, ROOT, sourceHash, waitUp, withLock } from "./built-app.js";

const load = createRequire(import.meta.url);
const NEXT_BIN = load.resolve("next/dist/bin/next");

/** What a build of `dir` is made from: the app's files and the built package it imports. */
function buildHash(dir) {
  const skip = (name) =>
    name === ".next" || name === "node_modules" || name === "next-env.d.ts" || name.endsWith(".map");
  return sourceHash([dir, join(ROOT, "dist")], skip);
}

/** Runs a child process to its end, its output passed through to stderr; rejects on failure. */
function run(args, options = {}) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "inherit", "inherit"], ...options });
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`${args.join(" ")} exited with ${code}`))));
  });
}

/** This process's environment with `extra` over it (an `undefined` value removes the variable). */
function environment(extra = {}) {
  return definedEnvironment({ ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...extra });
}

/**
 * Runs `next build` in `dir` unless its last build was made from the same files (the app's and
 * dist/'s); with `standalone`, an `output: "standalone"` build, whose server also needs `.next/static`
 * copied beside it (done here). Resolves with the seconds the build took, 0 when none was needed.
 * @param {string} dir
 * @param {{ standalone?: boolean, env?: Record<string, string | undefined> }} [options]
 */
export function buildNextApp(dir, { standalone = false, env = {} } = {}) {
  return withLock(join(dir, ".next-build.lock"), async () => {
    const stamp = join(dir, ".next", "flashkit-build-hash");
    const sources = buildHash(dir);
    const built = existsSync(join(dir, ".next", "BUILD_ID"))
      ? readFileSync(stamp, { encoding: "utf8", flag: "a+" })
      : "";
    // A standalone build serves `next start` too.
    if (built === `${sources}:standalone` || (!standalone && built === `${sources}:server`)) return 0;
    const started = performance.now();
    await run([NEXT_BIN, "build", dir], {
      env: environment({ ...env, ...(standalone ? { NEXT_OUTPUT: "standalone" } : {}) }),
    });
    if (standalone) {
      cpSync(join(dir, ".next", "static"), join(standaloneDir(dir), ".next", "static"), { recursive: true });
    }
    writeFileSync(stamp, `${sources}:${standalone ? "standalone" : "server"}`);
    return (performance.now() - started) / 1000;
  });
}

/** Where the standalone build of `dir` keeps its `server.js`: the tracing root is the repository. */
export function standaloneDir(dir) {
  return join(dir, ".next", "standalone", relative(ROOT, dir));
}

/**
 * Serves the app of `dir` on 127.0.0.1: `prod` in this process (after `buildNextApp`), `dev` and
 * `standalone` as a child process. Resolves with its URL and a `close()`.
 * @param {string} dir
 * @param {{ port?: number, mode?: "prod" | "dev" | "standalone" }} [options]
 */
export async function startNextApp(dir, { port = 0, mode = "prod" } = {}) {
  const listenPort = port || (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  if (mode === "prod") {
    await buildNextApp(dir);
    // What `next start` sets; a test runner's NODE_ENV=test would not do.
    process.env.NODE_ENV = "production";
    process.env.NEXT_TELEMETRY_DISABLED = "1";
    // Through createRequire, so that the repository's type-check does not load Next's global types.
    const next = load("next");
    const app = next({ dev: false, dir, hostname: "127.0.0.1", port: listenPort });
    await app.prepare();
    const handle = app.getRequestHandler();
    const server = createServer((req, res) => handle(req, res));
    await new Promise((done) => server.listen(listenPort, "127.0.0.1", done));
    return { url, close: () => new Promise((done) => server.close(() => app.close().then(done, done))) };
  }
  let args;
  const env = environment({ PORT: String(listenPort), HOSTNAME: "127.0.0.1" });
  if (mode === "standalone") {
    await buildNextApp(dir, { standalone: true });
    args = [join(standaloneDir(dir), "server.js")];
  } else {
    env.NODE_ENV = "development";
    args = [NEXT_BIN, "dev", dir, "--port", String(listenPort), "--hostname", "127.0.0.1"];
  }
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "inherit", "inherit"] });
  await waitUp(url, 120, child);
  return {
    url,
    close: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dirArgument, ...rest] = process.argv.slice(2);
  if (!dirArgument) {
    process.stderr.write(
      "usage: node scripts/next-app.js DIR [--port N] [--mode prod|dev|standalone] [--build-only]\n",
    );
    process.exit(2);
  }
  const dir = resolve(dirArgument);
  const option = (name) => {
    const at = rest.indexOf(name);
    return at === -1 ? undefined : rest[at + 1];
  };
  const mode = option("--mode") ?? "prod";
  if (rest.includes("--build-only")) {
    const seconds = await buildNextApp(dir, { standalone: mode === "standalone" });
    process.stdout.write(`next-app: built ${relative(ROOT, dir)} in ${seconds.toFixed(1)} s\n`);
  } else {
    const server = await startNextApp(dir, { port: Number(option("--port") ?? 0), mode });
    process.stdout.write(`next-app: running at ${server.url}/\n`);
    for (const signal of ["SIGINT", "SIGTERM"]) {
      process.on(signal, () => server.close().then(() => process.exit(0)));
    }
  }
}
