/**
 * Builds the CommonJS copy of the package into dist/cjs/ (after `tsc` has built the ES modules in
 * dist/), so `require("flashkit/connect-flash")` works where `require()` cannot load an ES module
 * (Jest, older bundlers) and TypeScript's `module: commonjs` finds CommonJS types:
 *
 * - every module of dist/ becomes the same file under dist/cjs/, module for module (one copy of each
 *   module's state per module system), with dist/cjs/package.json saying `"type": "commonjs"`;
 * - `#signing` becomes the Node build (core/signing-node.js): `require()` is Node's (and Jest's), and
 *   Node ignores the `imports` of a nested package.json;
 * - the declaration files are copied beside them (TypeScript reads them as CommonJS there);
 * - a module that exports `"module.exports"` (flashkit/connect-flash) is that value when required,
 *   with its other exports as properties, as Node's own `require()` of the ES module gives; its
 *   declaration file says so with `export =`.
 *
 * Run: `node scripts/build-cjs.js` (part of `npm run build`).
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const out = join(dist, "cjs");

/** The browser scripts of flashkit/client: classic scripts and ES modules for pages, not for require(). */
const BROWSER_SCRIPT = /^client\/flashkit-client.*\.min\.js$/;

/** flashkit/nuxt's Vue side: ES modules that Nuxt's bundlers take from dist/, never require()d. */
const NUXT_RUNTIME = /^adapters\/nuxt-runtime\//;

/**
 * The files under `dir`, as paths relative to it.
 *
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * The CommonJS form of one ES module of dist/.
 *
 * @param {string} code
 * @param {string} file its path under dist/
 * @returns {Promise<string>}
 */
async function toCommonJs(code, file) {
  const signing = relative(dirname(join(dist, file)), join(dist, "core/signing-node.js"));
  const { code: transformed } = await transform(code, { format: "cjs", platform: "node", target: "node20" });
  const cjs = transformed.replaceAll(
    'require("#signing")',
    `require(${JSON.stringify(signing.startsWith(".") ? signing : `./${signing}`)})`,
  );
  if (!code.includes('as "module.exports"')) return cjs;
  // Node's require() of an ES module returns its "module.exports" export: give CommonJS the same.
  return `${cjs}
const moduleExports = module.exports["module.exports"];
for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(module.exports))) {
  if (name !== "module.exports") Object.defineProperty(moduleExports, name, descriptor);
}
module.exports = moduleExports;
`;
}

/**
 * The CommonJS declaration file of a module that exports `"module.exports"` (its ES declarations are
 * kept beside it as `<name>.module.d.ts`): `export =` of that value, its other exports in a namespace
 * (`import flash from` gets the value through `esModuleInterop`, as it does for connect-flash).
 *
 * @param {string} declarations the ES module's declaration file
 * @param {string} moduleName the base name of the kept ES declarations
 * @returns {string}
 */
function exportAssignmentDeclarations(declarations, moduleName) {
  const main = /export \{ (\w+) as "module\.exports" \};/.exec(declarations)?.[1];
  if (main === undefined) throw new Error(`${moduleName}: no "module.exports" export to assign`);
  const values = [...declarations.matchAll(/^export declare function (\w+)/gm)].map((match) => match[1]);
  const types = [...declarations.matchAll(/^export (?:interface|type) (\w+)/gm)].map((match) => match[1]);
  const from = `./${moduleName}.module.js`;
  return `import * as esm from "${from}";
declare function ${main}(...args: Parameters<typeof esm.${main}>): ReturnType<typeof esm.${main}>;
declare namespace ${main} {
${values.map((name) => `  export import ${name} = esm.${name};`).join("\n")}
${types.map((name) => `  export type ${name} = esm.${name};`).join("\n")}
}
export = ${main};
`;
}

await rm(out, { recursive: true, force: true });
for (const file of await filesUnder(dist)) {
  if (BROWSER_SCRIPT.test(file) || NUXT_RUNTIME.test(file) || file.startsWith("cjs/")) continue;
  const target = join(out, file);
  await mkdir(dirname(target), { recursive: true });
  const text = await readFile(join(dist, file), "utf8");
  if (file.endsWith(".js")) {
    await writeFile(target, await toCommonJs(text, file));
  } else if (file.endsWith(".d.ts")) {
    if (text.includes('as "module.exports"')) {
      const name = file.slice(file.lastIndexOf("/") + 1, -".d.ts".length);
      await writeFile(target.replace(/\.d\.ts$/, ".module.d.ts"), text);
      await writeFile(target, exportAssignmentDeclarations(text, name));
    } else {
      await writeFile(target, text);
    }
  }
}
await writeFile(join(out, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
