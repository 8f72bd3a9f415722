#!/usr/bin/env node
// Builds and serves an Astro app of this repository (test/astro-app, examples/astro) over the built
// package, for the conformance server, the tests and by hand:
//
//   node scripts/astro-app.js DIR [--port N] [--dev] [--build-only]
//
// Runs `astro build` when the app's files or dist/ changed since its last build (a hash of them is
// kept in DIR/dist/flashkit-build-hash), then serves the Node adapter's standalone server
// (DIR/dist/server/entry.mjs) in a child process. Prints "astro-app: running at http://127.0.0.1:PORT/"
// once it answers. --dev runs `astro dev` instead.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
/** Astro's CLI, found when a build needs it (`astro` is a devDependency). */
const astroBin = () => join(createRequire(import.meta.url).resolve("astro/package.json"), "..", "astro.js");

/**
 * Vite aliases from the package's import names to the built package in dist/, for an app inside the
 * repository (a user's app gets flashkit from node_modules and needs none).
 * @returns {{ find: RegExp, replacement: string }[]}
 */
export function flashkitAliases() {
  return [
    { find: /^flashkit$/, replacement: join(DIST, "index.js") },
    { find: /^flashkit\/astro$/, replacement: join(DIST, "adapters/astro.js") },
    { find: /^flashkit\/render$/, replacement: join(DIST, "render/index.js") },
    { find: /^flashkit\/client$/, replacement: join(DIST, "client/index.js") },
    { find: /^flashkit\/testing\/routes$/, replacement: join(DIST, "testing/apps/routes.js") },
    { find: /^flashkit\/testing\/(protocol|no-loss)$/, replacement: join(DIST, "testing/$1.js") },
  ];
}

/** Adds every file under `path` (but build output, dependencies and generated files) to `hash`. */
function hashTree(hash, path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    hash.update(`${relative(ROOT, path)}\0`).update(readFileSync(path));
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === "dist" || name === "node_modules" || name === ".astro" || name.endsWith(".lock")) continue;
    hashTree(hash, join(path, name));
  }
}

/** What a build of `dir` is made from: the app's files, the built package it imports, and this script. */
function sourceHash(dir) {
  const hash = createHash("sha256");
  hashTree(hash, dir);
  hashTree(hash, DIST);
  hashTree(hash, fileURLToPath(import.meta.url));
  return hash.digest("hex");
}

/** Runs `work` while holding a lock directory beside the build, so concurrent test files build once. */
async function withLock(dir, work) {
  const lock = join(dir, ".astro-build.lock");
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // A lock older than ten minutes was left by a killed build.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 10 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is still held after ten minutes`);
      await new Promise((wake) => setTimeout(wake, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** This process's environment with `extra` over it (an `undefined` value removes the variable). */
function environment(extra = {}) {
  const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: "1", ...extra };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

/**
 * Runs `astro build` in `dir` unless its last build was made from the same files. Resolves with the
 * seconds the build took, 0 when none was needed. `env` is the build's environment over this
 * process's (`undefined` removes a variable; NODE_ENV is always removed, as Astro's CLI sets it).
 * @param {string} dir
 * @param {{ env?: Record<string, string | undefined> }} [options]
 */
export function buildAstroApp(dir, { env = {} } = {}) {
  return withLock(dir, async () => {
    const stamp = join(dir, "dist", "flashkit-build-hash");
    const sources = sourceHash(dir);
    const entry = join(dir, "dist", "server", "entry.mjs");
    if (existsSync(entry) && existsSync(stamp) && readFileSync(stamp, "utf8") === sources) return 0;
    const started = performance.now();
    await new Promise((done, fail) => {
      const child = spawn(process.execPath, [astroBin(), "build", "--root", dir, "--silent"], {
        cwd: dir,
        env: environment({ NODE_ENV: undefined, ...env }),
        stdio: ["ignore", "inherit", "inherit"],
      });
      child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`astro build ${dir} exited with ${code}`))));
    });
    writeFileSync(stamp, sources);
    return (performance.now() - started) / 1000;
  });
}

/** A free port on 127.0.0.1. */
export function freePort() {
  return new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Waits until `url` answers (any status), for at most `seconds`. */
async function waitUp(url, seconds, child) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      await (await fetch(url, { redirect: "manual" })).body?.cancel();
      return;
    } catch {
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/**
 * Builds `dir` when stale and serves its standalone server on 127.0.0.1 in a child process (or, with
 * `mode: "dev"`, runs `astro dev`), whose output it collects (and, with `echo`, passes through to this
 * process's stderr). Resolves with its URL, what it printed so far (`output()`) and a `close()`.
 * @param {string} dir
 * @param {{ port?: number, env?: Record<string, string | undefined>, echo?: boolean, mode?: "prod" | "dev" }} [options]
 */
export async function startAstroApp(dir, { port = 0, env = {}, echo = false, mode = "prod" } = {}) {
  if (mode === "prod") await buildAstroApp(dir);
  const listenPort = port || (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const args =
    mode === "prod"
      ? [join(dir, "dist", "server", "entry.mjs")]
      : [astroBin(), "dev", "--root", dir, "--host", "127.0.0.1", "--port", String(listenPort)];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: environment({
      HOST: "127.0.0.1",
      PORT: String(listenPort),
      ASTRO_NODE_LOGGING: "disabled",
      ASTRO_DISABLE_UPDATE_CHECK: "true",
      ...(mode === "dev" ? { NODE_ENV: undefined } : {}),
      ...env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk) => {
    output += chunk;
    if (echo) process.stderr.write(chunk);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  await waitUp(url, 60, child);
  return {
    url,
    output: () => output,
    close: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dirArgument, ...rest] = process.argv.slice(2);
  if (!dirArgument) {
    process.stderr.write("usage: node scripts/astro-app.js DIR [--port N] [--dev] [--build-only]\n");
    process.exit(2);
  }
  const dir = resolve(dirArgument);
  if (rest.includes("--build-only")) {
    const seconds = await buildAstroApp(dir);
    process.stdout.write(`astro-app: built ${relative(ROOT, dir)} in ${seconds.toFixed(1)} s\n`);
  } else {
    const at = rest.indexOf("--port");
    const server = await startAstroApp(dir, {
      port: at === -1 ? 0 : Number(rest[at + 1]),
      echo: true,
      mode: rest.includes("--dev") ? "dev" : "prod",
    });
    process.stdout.write(`astro-app: running at ${server.url}/\n`);
    for (const signal of ["SIGINT", "SIGTERM"]) {
      process.on(signal, () => server.close().then(() => process.exit(0)));
    }
  }
}
