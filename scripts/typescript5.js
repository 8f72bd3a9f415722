#!/usr/bin/env node
// TypeScript 5, at a pinned version, for the type tests that check flashkit's declarations on both
// compilers (the repository itself builds with TypeScript 7). Unpacked from the npm registry into
// .runtimes/ (gitignored) rather than installed as an npm alias: both packages declare a `tsc` bin, and
// which one `node_modules/.bin/tsc` then links to depends on the order npm happens to link them in.
//
//   node scripts/typescript5.js          # installs unless present; prints the path of its tsc
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The pinned TypeScript 5 release. */
export const TYPESCRIPT5_VERSION = "5.9.3";

const RUNTIMES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", ".runtimes");
const ROOT = join(RUNTIMES_DIR, `typescript-${TYPESCRIPT5_VERSION}`);

/** The path of TypeScript 5's `tsc` script under .runtimes/ (it may not be installed). */
export function typescript5Tsc() {
  return join(ROOT, "bin", "tsc");
}

/**
 * Installs TypeScript 5 unless it is there: `npm pack` fetches the tarball through npm (and its
 * cache), `tar` unpacks it. The package has no dependencies and no install script.
 * @returns {string} the path of its `tsc`
 */
export function installTypescript5() {
  if (existsSync(typescript5Tsc())) return typescript5Tsc();
  mkdirSync(RUNTIMES_DIR, { recursive: true });
  const work = mkdtempSync(join(RUNTIMES_DIR, ".typescript-"));
  try {
    const spec = `typescript@${TYPESCRIPT5_VERSION}`;
    execFileSync("npm", ["pack", "--silent", "--pack-destination", work, spec], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tarball = readdirSync(work).find((file) => file.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${spec} left no tarball`);
    const unpacked = join(work, "package");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", join(work, tarball), "-C", unpacked, "--strip-components=1"]);
    rmSync(ROOT, { recursive: true, force: true });
    renameSync(unpacked, ROOT);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return typescript5Tsc();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${installTypescript5()}\n`);
}
