#!/usr/bin/env node
// workerd, Cloudflare's Workers runtime, at a pinned version, from the npm registry package that
// carries its binary (@cloudflare/workerd-<platform>), unpacked into .runtimes/ (gitignored). Not a
// devDependency: its binary is 150 MB, which a contributor's `npm ci` need not download. Nothing from
// the package runs at install: the binary works as unpacked.
//
//   node scripts/workerd/install.js          # installs unless present; prints the version and path
//   node scripts/workerd/install.js --path   # prints the binary's path (installed or not)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RUNTIMES_DIR, unpackRegistryPackage } from "../runtimes.js";

/** The pinned workerd release (npm versions are `1.<release date>.<patch>`). */
export const WORKERD_VERSION = "1.20261123.1";

const PLATFORMS = /** @type {Record<string, string>} */ ({
  "linux-x64": "linux-64",
  "linux-arm64": "linux-arm64",
  "darwin-x64": "darwin-64",
  "darwin-arm64": "darwin-arm64",
  "win32-x64": "windows-64",
});

/** The npm package carrying this machine's workerd binary. */
export function workerdPackage() {
  const platform = PLATFORMS[`${process.platform}-${process.arch}`];
  if (!platform) throw new Error(`workerd has no build for ${process.platform}-${process.arch}`);
  return `@cloudflare/workerd-${platform}`;
}

const ROOT = join(RUNTIMES_DIR, `workerd-${WORKERD_VERSION}`);

/** The path of the workerd binary under .runtimes/ (it may not be installed). */
export function workerdBinary() {
  return join(ROOT, "bin", process.platform === "win32" ? "workerd.exe" : "workerd");
}

/**
 * Installs workerd unless its binary is there (see scripts/runtimes.js's `unpackRegistryPackage`).
 * @returns {boolean} whether it was downloaded now
 */
export function installWorkerd() {
  if (existsSync(workerdBinary())) return false;
  unpackRegistryPackage(`${workerdPackage()}@${WORKERD_VERSION}`, ROOT);
  if (!existsSync(workerdBinary())) throw new Error(`${workerdPackage()}@${WORKERD_VERSION} holds no bin/workerd`);
  return true;
}

/** What `workerd --version` prints: `workerd 2026-11-23`. */
export function workerdVersion() {
  const out = spawnSync(workerdBinary(), ["--version"], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${workerdBinary()} --version failed: ${out.stderr || out.error}`);
  return out.stdout.trim();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv[2] === "--path") {
      process.stdout.write(`${workerdBinary()}\n`);
    } else {
      const started = Date.now();
      const took = installWorkerd() ? ` (downloaded in ${((Date.now() - started) / 1000).toFixed(1)} s)` : "";
      process.stdout.write(
        `workerd: ${workerdVersion()} (${workerdPackage()}@${WORKERD_VERSION}) at ${workerdBinary()}${took}\n`,
      );
    }
  } catch (error) {
    process.stderr.write(`workerd: ${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  }
}
