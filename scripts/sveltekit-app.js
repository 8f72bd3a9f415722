#!/usr/bin/env node
// Builds and serves a SvelteKit app of this repository (test/sveltekit-app, examples/sveltekit) over
// the built package, for the conformance server, the tests and by hand:
//
//   node scripts/sveltekit-app.js DIR [--port N] [--build-only]
//
// Runs `vite build` (adapter-node) when DIR/build was made from other files than the app's and dist/'s
// (a source hash, stamped in DIR/build), then serves build/handler.js in this process. The app finds
// flashkit through DIR/node_modules/flashkit, a link to this repository made here, as `npm link` would.
// Prints "sveltekit-app: running at http://127.0.0.1:PORT/" once it listens.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort, hashTree, linkPackage, withLock as withBuildLock } from "./built-app.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VITE_BIN = join(ROOT, "node_modules", "vite", "bin", "vite.js");
const SKIPPED = new Set(["build", ".svelte-kit", "node_modules"]);

/** What a build of `dir` is made from: the app's files, the built package, and the framework's versions. */
function sourceHash(dir) {
  const hash = createHash("sha256");
  const skip = (name) => SKIPPED.has(name) || name.endsWith(".map");
  hashTree(hash, dir, skip);
  hashTree(hash, join(ROOT, "dist"), skip);
  for (const name of ["@sveltejs/kit", "svelte", "@sveltejs/adapter-node", "@sveltejs/vite-plugin-svelte", "vite"]) {
    hash.update(readFileSync(join(ROOT, "node_modules", name, "package.json")));
  }
  return hash.digest("hex");
}

/** Runs `work` while holding a lock directory beside the build, so concurrent test files build once. */
function withLock(dir, work) {
  return withBuildLock(join(dir, ".build.lock"), work);
}

/**
 * Runs `vite build` in `dir` unless its last build was made from the same files. Resolves with the
 * seconds the build took, 0 when none was needed. The build gets no FLASH_SECRET: it needs none.
 * @param {string} dir
 */
export function buildSvelteKitApp(dir) {
  return withLock(dir, async () => {
    const stamp = join(dir, "build", "flashkit-build-hash");
    const sources = sourceHash(dir);
    if (existsSync(join(dir, "build", "handler.js")) && existsSync(stamp) && readFileSync(stamp, "utf8") === sources)
      return 0;
    linkPackage(dir);
    const started = performance.now();
    const env = { ...process.env, NODE_ENV: "production", VITE_LOG_LEVEL: process.env.VITE_LOG_LEVEL ?? "warn" };
    delete env.FLASH_SECRET;
    await new Promise((done, fail) => {
      const child = spawn(process.execPath, [VITE_BIN, "build", "--logLevel", env.VITE_LOG_LEVEL], {
        cwd: dir,
        env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`vite build in ${dir} exited with ${code}`))));
    });
    writeFileSync(stamp, sources);
    return (performance.now() - started) / 1000;
  });
}

/**
 * Builds `dir` when needed and serves its adapter-node handler on 127.0.0.1 in this process (with
 * NODE_ENV=production, as `node build` runs). Resolves with its URL and a `close()`.
 * @param {string} dir
 * @param {{ port?: number }} [options]
 */
export async function startSvelteKitApp(dir, { port = 0 } = {}) {
  await buildSvelteKitApp(dir);
  const listenPort = port || (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  process.env.NODE_ENV = "production";
  // adapter-node takes the origin from ORIGIN (else https://HOST), for SvelteKit's CSRF check of form posts.
  process.env.ORIGIN = url;
  const { handler } = await import(pathToFileURL(join(dir, "build", "handler.js")).href);
  const server = createServer(handler);
  await new Promise((done) => server.listen(listenPort, "127.0.0.1", done));
  return {
    url,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dirArgument, ...rest] = process.argv.slice(2);
  if (!dirArgument) {
    process.stderr.write("usage: node scripts/sveltekit-app.js DIR [--port N] [--build-only]\n");
    process.exit(2);
  }
  const dir = resolve(dirArgument);
  const at = rest.indexOf("--port");
  if (rest.includes("--build-only")) {
    const seconds = await buildSvelteKitApp(dir);
    process.stdout.write(`sveltekit-app: built ${relative(ROOT, dir)} in ${seconds.toFixed(1)} s\n`);
  } else {
    const server = await startSvelteKitApp(dir, { port: at === -1 ? 0 : Number(rest[at + 1]) });
    process.stdout.write(`sveltekit-app: running at ${server.url}/\n`);
    for (const signal of ["SIGINT", "SIGTERM"]) {
      process.on(signal, () => server.close().then(() => process.exit(0)));
    }
  }
}
