/**
 * docs/nuxt.md's code blocks are examples/nuxt's files, byte for byte (each block names its file on
 * its first line), and the example's TypeScript (its config and server routes) type-checks under
 * `strict: true` with the tsconfig files Nuxt generates for it, against the built package. The app they
 * make is built and driven in Chromium by test/browser/nuxt.test.ts. Needs the build and Node 22.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { buildNuxt, hasNode22, NUXT_APPS, NUXT_BUILD_TIMEOUT } from "./nuxt-server.js";

const root = new URL("../", import.meta.url);
const page = readFileSync(new URL("docs/nuxt.md", root), "utf8");
/** The blocks that are the example's files: those this test is named to run. */
const blocks = [
  ...page.matchAll(/<!-- check: run=test\/docs-nuxt\.nuxt\.test\.ts[^>]*-->\n\n```(\w+)\n([\s\S]*?)```/g),
].map(([, lang, body]) => ({ lang: lang!, body: body!, path: /^(?:\/\/|<!--) (\S+)/.exec(body!)?.[1] }));

describe("docs/nuxt.md", () => {
  it("has a block for every file of the app it walks through", () => {
    expect(blocks.map((block) => block.path)).toEqual(blocks.map(() => expect.stringMatching(/^examples\/nuxt\/\S+$/)));
    expect(blocks.map((block) => block.path).sort()).toEqual([
      "examples/nuxt/app/app.vue",
      "examples/nuxt/app/pages/index.vue",
      "examples/nuxt/app/pages/login.vue",
      "examples/nuxt/app/pages/profile.vue",
      "examples/nuxt/nuxt.config.ts",
      "examples/nuxt/server/api/login.post.ts",
      "examples/nuxt/server/api/ping.post.ts",
      "examples/nuxt/server/api/profile.post.ts",
    ]);
  });

  it.each(blocks.map((block) => [block.path, block.body]))("%s is the example's file", (path, body) => {
    const file = readFileSync(new URL(path!, root), "utf8");
    expect(body.slice(body.indexOf("\n") + 1)).toBe(file);
  });

  describe.skipIf(!hasNode22())("type-checks", () => {
    beforeAll(() => buildNuxt(NUXT_APPS.example), NUXT_BUILD_TIMEOUT);

    it.each(["tsconfig.server.json", "tsconfig.node.json"])(
      "examples/nuxt under Nuxt's %s, strict, against dist/",
      (tsconfig) => {
        const tsc = fileURLToPath(new URL("node_modules/.bin/tsc", root));
        const project = fileURLToPath(new URL(`examples/nuxt/.nuxt/${tsconfig}`, root));
        expect(JSON.stringify(JSON.parse(readFileSync(project, "utf8")).compilerOptions)).toContain('"strict":true');
        expect(() => execFileSync(tsc, ["-p", project, "--noEmit"], { encoding: "utf8" })).not.toThrow();
      },
      60_000,
    );
  });
});
