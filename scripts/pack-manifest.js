/**
 * Keeps the repository's own resolution out of the published package.json: `npm pack` and `npm
 * publish` run `strip` before they read the package (prepack) and `restore` after (postpack).
 *
 * `strip` saves package.json as package.json.orig and removes the `flashkit-source` condition of
 * `imports`, which points `#signing` at src/ for the repository's type checks, tests and esbuild
 * bundles (src/ is not published). `restore` puts package.json.orig back.
 *
 * Run: `node scripts/pack-manifest.js strip|restore`.
 */
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifestPath = join(root, "package.json");
const savedPath = join(root, "package.json.orig");

/** The condition that only the repository uses. */
export const SOURCE_CONDITION = "flashkit-source";

/**
 * `manifest` without the source condition in its `imports`.
 *
 * @param {Record<string, any>} manifest
 * @returns {Record<string, any>}
 */
export function publishedManifest(manifest) {
  const imports = Object.fromEntries(
    Object.entries(manifest.imports ?? {}).map(([name, target]) => {
      if (typeof target !== "object" || target === null) return [name, target];
      const { [SOURCE_CONDITION]: _source, ...published } = target;
      return [name, published];
    }),
  );
  return { ...manifest, imports };
}

const exists = (path) =>
  stat(path).then(
    () => true,
    () => false,
  );

const command = process.argv[2];
if (command === "strip") {
  // A pack that failed before postpack left the saved manifest: it is the real one.
  if (!(await exists(savedPath))) await rename(manifestPath, savedPath);
  const manifest = JSON.parse(await readFile(savedPath, "utf8"));
  await writeFile(manifestPath, `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
} else if (command === "restore") {
  if (await exists(savedPath)) await rename(savedPath, manifestPath);
} else if (command !== undefined) {
  console.error("usage: node scripts/pack-manifest.js strip|restore");
  process.exit(2);
}
