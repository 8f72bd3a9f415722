/**
 * docs/astro.md's code blocks are examples/astro's files, byte for byte (each file names itself on
 * its first line, or the first line of an `.astro` file's frontmatter), and those files type-check
 * under `strict: true` against the built package: the `.ts` files as they are, and each `.astro`
 * file's frontmatter (as the body of a function given `Astro`) and `<script>` (as a module), which
 * Astro's build compiles without checking. The app they make is built and driven in Chromium by
 * test/browser/astro.test.ts. Needs the build.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ASTRO_APPS, ASTRO_BUILD_TIMEOUT, buildAstro } from "./astro-server.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const page = readFileSync(join(root, "docs/astro.md"), "utf8");
const blocks = [...page.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang, body: body! }));
const fileBlocks = blocks.filter((block) => block.lang !== "sh");
/** The path a block names: its first line, or the first line of its frontmatter. */
const pathOf = (body: string) => /^(?:---\n)?\/\/ (examples\/astro\/\S+)\n/.exec(body)?.[1];

/** The files of `dir` (recursively) whose names end with `extension`. */
function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(extension))
    .map((name) => join(dir, name));
}

/**
 * A module of `code` from `source`, to be written at `target`: its imports first, their relative
 * specifiers made relative to `target`, then `wrap(rest)`.
 */
function moduleOf(code: string, source: string, target: string, wrap: (rest: string) => string): string {
  const imports: string[] = [];
  const rest: string[] = [];
  for (const line of code.split("\n")) {
    if (!line.trimStart().startsWith("import ")) {
      rest.push(line);
      continue;
    }
    imports.push(
      line.replace(/(["'])(\.{1,2}\/[^"']+)\1/, (_match, quote: string, specifier: string) => {
        const moved = relative(dirname(target), resolve(dirname(source), specifier));
        return `${quote}${moved.startsWith(".") ? moved : `./${moved}`}${quote}`;
      }),
    );
  }
  return `${imports.join("\n")}\n${wrap(rest.join("\n"))}\n`;
}

describe("docs/astro.md", () => {
  it("has a block for every file of the app it walks through", () => {
    expect(fileBlocks.map((block) => pathOf(block.body))).toEqual(fileBlocks.map(() => expect.any(String)));
    const files = [
      ...filesUnder(join(ASTRO_APPS.example, "src"), ".ts"),
      ...filesUnder(join(ASTRO_APPS.example, "src"), ".astro"),
      join(ASTRO_APPS.example, "astro.config.mjs"),
    ].map((file) => relative(root, file));
    expect(fileBlocks.map((block) => pathOf(block.body)).sort()).toEqual(files.sort());
  });

  it.each(fileBlocks.map((block) => [pathOf(block.body)!, block.body]))("%s is the example's file", (path, body) => {
    expect(body).toBe(readFileSync(join(root, path), "utf8"));
  });

  describe("examples/astro type-checks under strict against dist/", () => {
    beforeAll(() => buildAstro(ASTRO_APPS.example), ASTRO_BUILD_TIMEOUT);

    it("its .ts files, and its .astro files' frontmatter and scripts", () => {
      const check = join(ASTRO_APPS.example, ".astro", "flashkit-check");
      rmSync(check, { recursive: true, force: true });
      for (const source of filesUnder(join(ASTRO_APPS.example, "src"), ".astro")) {
        const text = readFileSync(source, "utf8");
        const base = join(check, relative(ASTRO_APPS.example, source)).replace(/\.astro$/, "");
        mkdirSync(dirname(base), { recursive: true });
        const frontmatter = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? "";
        const target = `${base}.frontmatter.ts`;
        writeFileSync(
          target,
          moduleOf(
            frontmatter,
            source,
            target,
            (body) =>
              `import type { AstroGlobal } from "astro";\nexport async function frontmatter(Astro: AstroGlobal) {\n${body}\n}`,
          ),
        );
        [...text.matchAll(/<script>\n([\s\S]*?)<\/script>/g)].forEach(([, script], index) => {
          const scriptTarget = `${base}.script${index}.ts`;
          writeFileSync(
            scriptTarget,
            moduleOf(script!, source, scriptTarget, (body) => `${body}\nexport {};`),
          );
        });
      }
      // What Astro's language tools give an import of a component, which tsc alone does not know.
      writeFileSync(
        join(check, "astro-components.d.ts"),
        'declare module "*.astro" {\n  const Component: (props: Record<string, unknown>) => unknown;\n  export default Component;\n}\n',
      );
      writeFileSync(
        join(check, "tsconfig.json"),
        JSON.stringify({ extends: "../../tsconfig.json", include: ["../types.d.ts", "../../src/**/*.ts", "**/*.ts"] }),
      );
      const tsc = join(root, "node_modules/.bin/tsc");
      for (const project of [join(ASTRO_APPS.example, "tsconfig.json"), join(check, "tsconfig.json")]) {
        expect(() => execFileSync(tsc, ["-p", project, "--noEmit"], { encoding: "utf8" })).not.toThrow();
      }
    }, 60_000);
  });
});
