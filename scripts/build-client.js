/**
 * Builds the browser scripts of flashkit/client into dist/client/ with esbuild (after `tsc` has
 * built dist/client/index.js, the module for bundlers):
 *
 * - flashkit-client.min.js (ES module) and flashkit-client.iife.min.js (classic script, `window.Flash`):
 *   all four themes, for pages that switch themes;
 * - flashkit-client.<theme>.min.js and flashkit-client.<theme>.iife.min.js: one theme each
 *   (bootstrap5, bootstrap4, tailwind, plain), the smallest script for a page.
 *
 * Every script starts the client on load (after DOMContentLoaded when loaded early). Also writes
 * dist/render/plain.css, the plain theme's stylesheet, from PLAIN_CSS. Run:
 * `node scripts/build-client.js` (part of `npm run build`).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The themes of flashkit/client, as exported by src/client/index.ts. */
export const CLIENT_THEMES = ["bootstrap5", "bootstrap4", "tailwind", "plain"];

/**
 * The browser scripts: file name, format and the themes each includes.
 *
 * @returns {Array<{ file: string; format: "esm" | "iife"; themes: string[] }>}
 */
export function clientScripts() {
  const sets = [["", CLIENT_THEMES], ...CLIENT_THEMES.map((theme) => [`.${theme}`, [theme]])];
  return sets.flatMap(([suffix, themes]) => [
    { file: `flashkit-client${suffix}.min.js`, format: /** @type {const} */ ("esm"), themes },
    { file: `flashkit-client${suffix}.iife.min.js`, format: /** @type {const} */ ("iife"), themes },
  ]);
}

/**
 * Bundles one script in memory.
 *
 * @param {{ format: "esm" | "iife"; themes: string[] }} script
 * @returns {Promise<string>} the minified code
 */
export async function bundleClient(script) {
  const list = script.themes.join(", ");
  const contents =
    `import { Flash, ${list} } from "./index.ts";\n` +
    `Flash.start({ themes: [${list}] });\n` +
    (script.format === "esm" ? "export { Flash };\n" : "globalThis.Flash = Flash;\n");
  const result = await build({
    stdin: { contents, resolveDir: join(root, "src/client"), loader: "ts", sourcefile: "flashkit-client.ts" },
    bundle: true,
    minify: true,
    format: script.format,
    // ES2021 keeps `??=` and `||=` as they are; every browser with the APIs the client uses has it.
    target: "es2021",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

async function main() {
  const out = join(root, "dist/client");
  await mkdir(out, { recursive: true });
  for (const script of clientScripts()) {
    await writeFile(join(out, script.file), await bundleClient(script));
  }
  // The plain theme's stylesheet as a file (`flashkit/render/plain.css`), written from the one copy
  // in the source, PLAIN_CSS, which tsc has just built.
  const { PLAIN_CSS } = await import(pathToFileURL(join(root, "dist/render/plain.js")).href);
  await writeFile(join(root, "dist/render/plain.css"), PLAIN_CSS);
  console.log(`flashkit: built ${clientScripts().length} client scripts into dist/client/ and dist/render/plain.css`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
