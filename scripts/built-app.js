// What the scripts that build and serve a framework's app of this repository share (next-app.js,
// astro-app.js): a hash of the sources a build is made from, a lock so concurrent test files build
// once, a free port, and waiting until the server answers.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * A hash of every file under `paths` (files or directories) but those whose name `skip` names (build
 * output, dependencies, generated files): what a build is made from.
 * @param {string[]} paths
 * @param {(name: string) => boolean} skip
 * @returns {string}
 */
export function sourceHash(paths, skip) {
  const hash = createHash("sha256");
  const add = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (!stat.isDirectory()) {
      hash.update(`${relative(ROOT, path)}\0`).update(readFileSync(path));
      return;
    }
    for (const name of readdirSync(path).sort()) if (!skip(name)) add(join(path, name));
  };
  for (const path of paths) add(path);
  return hash.digest("hex");
}

/**
 * Runs `work` while holding the lock directory `lock`, so concurrent test files build once. A lock
 * older than ten minutes was left by a killed build and is taken over.
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
 * Waits until `url` answers (any status), for at most `seconds`; fails early when `child` exits.
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

/**
 * A free port on 127.0.0.1.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}
