#!/usr/bin/env node
// Builds and serves a Nuxt 4 app of this repository (test/nuxt-app, examples/nuxt) over the built
// package, for the conformance server, the tests and by hand:
//
//   node scripts/nuxt-app.js DIR [--port N] [--build-only]
//
// Nuxt 4 needs Node 22: `nuxi build` and the built server (.output/server/index.mjs) run on the Node 22
// of .runtimes/ (`node scripts/runtimes.js install node22`). A build runs only when the app's files or
// dist/ changed since the last one (a hash of both is kept in DIR/.output). The app imports flashkit
// by its package name, as a user's app does: DIR/node_modules/flashkit links to the repository.
// Prints "nuxt-app: running at http://127.0.0.1:PORT/" once it answers.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, hashTree, linkPackage, waitUp, withLock } from "./built-app.js";
import { requireRuntime } from "./runtimes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NUXT_BIN = join(dirname(createRequire(import.meta.url).resolve("nuxt/package.json")), "bin", "nuxt.mjs");
/** What is not the app's source: build output, dependencies, generated files. */
const SKIPPED = new Set([".output", ".nuxt", "node_modules", ".data", ".nitro", ".cache"]);

/** What a build of `dir` is made from: the app's files, the built package and the Nuxt version. */
function sourceHash(dir) {
  const hash = createHash("sha256");
  const skip = (name) => SKIPPED.has(name) || name.endsWith(".map") || name.endsWith(".lock");
  hashTree(hash, dir, skip);
  hashTree(hash, join(ROOT, "dist"), skip);
  hash.update(readFileSync(join(ROOT, "node_modules", "nuxt", "package.json")));
  return hash.digest("hex");
}

/** This process's environment with `extra` over it (an `undefined` value removes the variable). */
function environment(extra = {}) {
  const env = { ...process.env, NUXT_TELEMETRY_DISABLED: "1", ...extra };
  // A test runner's variables would make Nuxt act as under test (its logger silent, build id "test").
  for (const name of Object.keys(env)) if (name === "TEST" || name.startsWith("VITEST")) delete env[name];
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

/**
 * Runs `nuxi build` in `dir` on Node 22 unless its last build was made from the same files (the app's
 * and dist/'s). Resolves with the seconds the build took, 0 when none was needed.
 * @param {string} dir
 * @param {{ env?: Record<string, string | undefined> }} [options]
 */
export function buildNuxtApp(dir, { env = {} } = {}) {
  return withLock(join(dir, ".nuxt-build.lock"), async () => {
    linkPackage(dir);
    const stamp = join(dir, ".output", "flashkit-build-hash");
    const sources = sourceHash(dir);
    const built = existsSync(join(dir, ".output", "server", "index.mjs"))
      ? readFileSync(stamp, { encoding: "utf8", flag: "a+" })
      : "";
    if (built === sources) return 0;
    const started = performance.now();
    await new Promise((done, fail) => {
      const child = spawn(requireRuntime("node22"), [NUXT_BIN, "build", dir], {
        env: environment({ NODE_ENV: "production", ...env }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
      });
      child.stderr.on("data", (chunk) => {
        output += chunk;
      });
      child.once("exit", (code) =>
        code === 0 ? done() : fail(new Error(`nuxi build ${relative(ROOT, dir)} exited with ${code}:\n${output}`)),
      );
    });
    writeFileSync(stamp, sources);
    return (performance.now() - started) / 1000;
  });
}

/**
 * Builds `dir` when stale and runs its server (.output/server/index.mjs) on Node 22 on 127.0.0.1,
 * its output passed to this process's stderr. Resolves with its URL and a `close()`.
 * @param {string} dir
 * @param {{ port?: number, env?: Record<string, string | undefined> }} [options]
 */
export async function startNuxtApp(dir, { port = 0, env = {} } = {}) {
  await buildNuxtApp(dir);
  const listenPort = port || (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const child = spawn(requireRuntime("node22"), [join(dir, ".output", "server", "index.mjs")], {
    env: environment({ NODE_ENV: "production", PORT: String(listenPort), HOST: "127.0.0.1", ...env }),
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitUp(url, 60, child);
  return {
    url,
    close: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Runs `nuxi dev` for `dir` on Node 22 (holding the build lock: it writes the same .nuxt/ as a build)
 * and calls `work` with its URL, once its first page answers `200`, and what it printed so far.
 * Stops the dev server when `work` settles.
 * @template T
 * @param {string} dir
 * @param {Record<string, string | undefined>} env
 * @param {(server: { url: string, output(): string }) => Promise<T>} work
 * @returns {Promise<T>}
 */
export function withNuxtDev(dir, env, work) {
  return withLock(join(dir, ".nuxt-build.lock"), async () => {
    linkPackage(dir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      requireRuntime("node22"),
      [NUXT_BIN, "dev", dir, "--port", String(port), "--host", "127.0.0.1", "--no-fork"],
      { env: environment({ NODE_ENV: "development", ...env }), stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise((done) => child.once("exit", done));
    try {
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`nuxi dev exited with ${child.exitCode}:\n${output}`);
        const status = await fetch(url).then(
          async (response) => {
            await response.body?.cancel();
            return response.status;
          },
          () => 0,
        );
        if (status === 200) break;
        if (Date.now() > deadline) throw new Error(`nuxi dev did not serve ${url} within 180 s:\n${output}`);
        await new Promise((wake) => setTimeout(wake, 250));
      }
      return await work({ url, output: () => output });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dirArgument, ...rest] = process.argv.slice(2);
  if (!dirArgument) {
    process.stderr.write("usage: node scripts/nuxt-app.js DIR [--port N] [--build-only]\n");
    process.exit(2);
  }
  const dir = resolve(dirArgument);
  const at = rest.indexOf("--port");
  if (rest.includes("--build-only")) {
    const seconds = await buildNuxtApp(dir);
    process.stdout.write(`nuxt-app: built ${relative(ROOT, dir)} in ${seconds.toFixed(1)} s\n`);
  } else {
    const server = await startNuxtApp(dir, { port: at === -1 ? 0 : Number(rest[at + 1]) });
    process.stdout.write(`nuxt-app: running at ${server.url}/\n`);
    for (const signal of ["SIGINT", "SIGTERM"]) {
      process.on(signal, () => server.close().then(() => process.exit(0)));
    }
  }
}
