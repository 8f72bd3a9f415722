/**
 * docs/next.md's code blocks are examples/next's files, byte for byte (each block names its file on
 * its first line), and those files type-check under `strict: true` against the built package. The
 * app they make is built and driven in Chromium by test/browser/next.test.ts. Needs the build.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);
const page = readFileSync(new URL("docs/next.md", root), "utf8");
const blocks = [...page.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang, body: body! }));

describe("docs/next.md", () => {
  it("has a block for every file of the app it walks through", () => {
    const named = blocks.filter((block) => block.lang !== "sh").map((block) => block.body.split("\n")[0]);
    expect(named).toEqual(named.map(() => expect.stringMatching(/^\/\/ examples\/next\/\S+$/)));
    expect(named.length).toBeGreaterThanOrEqual(10);
  });

  it.each(
    blocks.filter((block) => block.lang !== "sh").map((block) => [block.body.split("\n")[0]!.slice(3), block.body]),
  )("%s is the example's file", (path, body) => {
    const file = readFileSync(new URL(path, root), "utf8");
    expect(body.slice(body.indexOf("\n") + 1)).toBe(file);
  });

  it("examples/next type-checks under strict against dist/", () => {
    const tsc = fileURLToPath(new URL("node_modules/.bin/tsc", root));
    const project = fileURLToPath(new URL("examples/next/tsconfig.json", root));
    expect(() => execFileSync(tsc, ["-p", project, "--noEmit"], { encoding: "utf8" })).not.toThrow();
  }, 60_000);
});
