#!/usr/bin/env node
// TypeScript 5, at a pinned version, for the type tests that check flashkit's declarations on both
// compilers (the repository itself builds with TypeScript 7). Unpacked from the npm registry into
// .runtimes/ (gitignored) rather than installed as an npm alias: both packages declare a `tsc` bin, and
// which one `node_modules/.bin/tsc` then links to depends on the order npm happens to link them in.
//
//   node scripts/typescript5.js          # installs unless present; prints the path of its tsc
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RUNTIMES_DIR, unpackRegistryPackage } from "./runtimes.js";

/** The pinned TypeScript 5 release. */
export const TYPESCRIPT5_VERSION = "5.9.3";

const ROOT = join(RUNTIMES_DIR, `typescript-${TYPESCRIPT5_VERSION}`);

/** The path of TypeScript 5's `tsc` script under .runtimes/ (it may not be installed). */
export function typescript5Tsc() {
  return join(ROOT, "bin", "tsc");
}

/**
 * Installs TypeScript 5 unless it is there (the package has no dependencies and no install script).
 * @returns {string} the path of its `tsc`
 */
export function installTypescript5() {
  if (!existsSync(typescript5Tsc())) unpackRegistryPackage(`typescript@${TYPESCRIPT5_VERSION}`, ROOT);
  return typescript5Tsc();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${installTypescript5()}\n`);
}
