// What the scripts that build and serve a framework's app of this repository share (next-app.js,
// nuxt-app.js, sveltekit-app.js, astro-app.js): a hash of the app's source files, a lock so concurrent
// test files build once, the app's link to this package, a free port, and waiting for a server to answer.
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from "node:fs";
import { createServer } from "node:http";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Adds every file under `path` to `hash` (its path from the repository's root, then its bytes), but
 * those whose name `skip` returns true for (build output, dependencies, generated files).
 * @param {import("node:crypto").Hash} hash
 * @param {string} path
 * @param {(name: string) => boolean} skip
 */
export function hashTree(hash, path, skip) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    hash.update(`${relative(ROOT, path)}\0`).update(readFileSync(path));
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (!skip(name)) hashTree(hash, join(path, name), skip);
  }
}

/**
 * A hash of every file under `paths` (files or directories) but those whose name `skip` names (build
 * output, dependencies, generated files): what a build is made from.
 * @param {string[]} paths
 * @param {(name: string) => boolean} skip
 * @returns {string}
 */
export function sourceHash(paths, skip) {
  const hash = createHash("sha256");
  for (const path of paths) hashTree(hash, path, skip);
  return hash.digest("hex");
}

/**
 * Runs `work` while holding the lock directory `lock`, so concurrent test files build once.
 * @template T
 * @param {string} lock
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withLock(lock, work) {
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

/**
 * `env` without its `undefined` values (a way to remove a variable from a child's environment).
 * @param {Record<string, string | undefined>} env
 * @returns {Record<string, string>}
 */
export function definedEnvironment(env) {
  const defined = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) defined[name] = value;
  return defined;
}

/**
 * Waits until `url` answers (any status), for at most `seconds`; fails at once if `child` exits.
 * @param {string} url
 * @param {number} seconds
 * @param {import("node:child_process").ChildProcess} [child]
 */
export async function waitUp(url, seconds, child) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      await (await fetch(url, { redirect: "manual" })).body?.cancel();
      return;
    } catch {
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/** A free port on 127.0.0.1. @returns {Promise<number>} */
export function freePort() {
  return new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * Links DIR/node_modules/flashkit to the repository, as `npm link` would, so the app resolves flashkit's
 * exports by name as a user's app does.
 * @param {string} dir
 */
export function linkPackage(dir) {
  const link = join(dir, "node_modules", "flashkit");
  const target = relative(join(dir, "node_modules"), ROOT) || ".";
  if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink() && readlinkSync(link) === target) return;
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link, "dir");
}
