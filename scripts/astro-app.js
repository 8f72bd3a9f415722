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
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { definedEnvironment, freePort, ROOT, sourceHash, waitUp, withLock } from "./built-app.js";

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

/** What a build of `dir` is made from: the app's files, the built package it imports, and this script. */
function buildHash(dir) {
  const skip = (name) => name === "dist" || name === "node_modules" || name === ".astro" || name.endsWith(".lock");
  return sourceHash([dir, DIST, fileURLToPath(import.meta.url)], skip);
}

/** This process's environment with `extra` over it (an `undefined` value removes the variable). */
function environment(extra = {}) {
  return definedEnvironment({ ...process.env, ASTRO_TELEMETRY_DISABLED: "1", ...extra });
}

/**
 * Runs `astro build` in `dir` unless its last build was made from the same files. Resolves with the
 * seconds the build took, 0 when none was needed. `env` is the build's environment over this
 * process's (`undefined` removes a variable; NODE_ENV is always removed, as Astro's CLI sets it).
 * @param {string} dir
 * @param {{ env?: Record<string, string | undefined> }} [options]
 */
export function buildAstroApp(dir, { env = {} } = {}) {
  return withLock(join(dir, ".astro-build.lock"), async () => {
    const stamp = join(dir, "dist", "flashkit-build-hash");
    const sources = buildHash(dir);
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
