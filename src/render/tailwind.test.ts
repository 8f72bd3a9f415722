/**
 * Tailwind's own scanner over the theme's source: every class the theme can emit must come out of
 * `tailwindcss` as a rule. Catches class names built from pieces, which the scanner cannot see.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CloseMode, type FlashLevel, renderFlashMessages, TAILWIND_CLASSES, tailwind } from "./index.js";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const LEVELS: FlashLevel[] = ["primary", "secondary", "success", "danger", "warning", "info", "light", "dark"];
const CATEGORIES = ["primary", "secondary", "success", "error", "warning", "info", "light", "dark"];

/** A class name as a CSS selector, escaped as Tailwind writes it (`motion-safe:x` → `.motion-safe\:x`). */
function selector(name: string): string {
  return `.${name.replace(/[^a-zA-Z0-9_-]/g, (ch) => `\\${ch}`)}`;
}

describe("Tailwind CLI over src/render/tailwind.ts", () => {
  let dir = "";
  let css = "";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "flashkit-tailwind-"));
    const tailwindCss = require.resolve("tailwindcss/index.css");
    const source = fileURLToPath(new URL("./tailwind.ts", import.meta.url));
    // source(none): only the theme's file is scanned, so nothing else can supply a class.
    await writeFile(join(dir, "in.css"), `@import "${tailwindCss}" source(none);\n@source "${source}";\n`);
    const cli = require.resolve("@tailwindcss/cli/package.json").replace(/package\.json$/, "dist/index.mjs");
    await run(process.execPath, [cli, "-i", join(dir, "in.css"), "-o", join(dir, "out.css")], { timeout: 60_000 });
    css = await readFile(join(dir, "out.css"), "utf8");
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("generates a rule for every class the theme emits (and the client's dismissed class)", () => {
    const emitted = new Set<string>(TAILWIND_CLASSES.dismissed.split(" "));
    const messages = CATEGORIES.map((c) => [c, "x"] as [string, string]);
    for (const close of ["always", "js", "link", "none"] as CloseMode[]) {
      for (const showPrefix of [false, true]) {
        const html = renderFlashMessages(messages, { theme: tailwind, close, showPrefix, maxExpanded: 2 });
        for (const m of html.matchAll(/\sclass="([^"]*)"/g)) for (const name of m[1]!.split(" ")) emitted.add(name);
      }
    }
    expect(emitted.size).toBeGreaterThan(40);
    for (const level of LEVELS) expect(emitted).toContain(TAILWIND_CLASSES.levels[level].split(" ")[1]);
    const missing = [...emitted].filter(
      (name) => !css.includes(`${selector(name)} `) && !css.includes(`${selector(name)}:`),
    );
    expect(missing).toEqual([]);
  });

  it("wraps the transition in prefers-reduced-motion: no-preference", () => {
    const rule = css.indexOf(selector("motion-safe:transition-opacity"));
    expect(rule).toBeGreaterThan(-1);
    const before = css.slice(0, rule);
    expect(before.slice(before.lastIndexOf("@media"))).toMatch(
      /^@media \(prefers-reduced-motion: no-preference\) \{\s*$/,
    );
  });
});
