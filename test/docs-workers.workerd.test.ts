/**
 * The code blocks of docs/workers.md, as written: each type-checked against the built package
 * (`npm run build` first) with no Node types, bundled as wrangler bundles a Worker, and served inside
 * workerd with a FLASH_SECRET secret binding: a flash, the redirect, the message shown once.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { startWorkerd, type WorkerdServer } from "../scripts/workerd/serve.js";
import { createBrowserClient } from "../src/testing/browser-client.js";
import { SECRET } from "./helpers.js";
import { HAS_WORKERD } from "./workerd.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// Inside the repository, so that `flashkit/...` resolves to the built package by self-reference.
const WORK = join(ROOT, ".tmp", `docs-workers-${process.pid}`);
const page = readFileSync(join(ROOT, "docs/workers.md"), "utf8");
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

const servers: WorkerdServer[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  rmSync(WORK, { recursive: true, force: true });
});

/** Writes block `index` as a module and returns its path. */
function writeBlock(index: number): string {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, `block-${index}.ts`);
  writeFileSync(file, blocks[index] ?? "");
  return file;
}

describe.skipIf(!HAS_WORKERD)("docs/workers.md", () => {
  it("has the two quick starts, Fetch then Hono", () => {
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('from "flashkit/fetch"');
    expect(blocks[1]).toContain('from "flashkit/hono"');
  });

  it("type-checks both blocks under strict, against the built declarations, without Node's types", async () => {
    if (!existsSync(join(ROOT, "dist/adapters/fetch.d.ts"))) {
      throw new Error("dist/ is missing: run `npm run build` before this test");
    }
    const files = blocks.map((_block, index) => writeBlock(index));
    const project = join(WORK, "tsconfig.json");
    writeFileSync(
      project,
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files,
      }),
    );
    const errors = await promisify(execFile)(join(ROOT, "node_modules/.bin/tsc"), ["-p", project], { cwd: ROOT }).then(
      () => "",
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    expect(errors).toBe("");
  });

  it.each([
    [0, "the Fetch adapter"],
    [1, "the Hono adapter"],
  ])("block %i, %s, flashes, redirects and shows the message once inside workerd", async (index) => {
    const bundled = await build({
      entryPoints: [writeBlock(index)],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(bundled.metafile.inputs);
    expect(inputs).toContain("dist/core/signing-web.js");
    expect(inputs).not.toContain("dist/core/signing-node.js");
    const code = bundled.outputFiles[0]!.text;

    const server = await startWorkerd({ code, bindings: { FLASH_SECRET: SECRET } });
    servers.push(server);
    const browser = createBrowserClient(server.url);
    const saved = await browser.fetch("/profile", { method: "POST", redirect: "manual" });
    expect(saved.status).toBe(303);
    expect(new URL(saved.headers.get("location") ?? "", server.url).pathname).toBe("/profile");
    expect(saved.headers.getSetCookie()).toHaveLength(1);
    const shown = await browser.fetch("/profile");
    expect(shown.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await shown.text()).toContain("Profile updated successfully!");
    const again = await (await browser.fetch("/profile")).text();
    expect(again).toContain("<form");
    expect(again).not.toContain("Profile updated successfully!");
    expect(browser.cookies()).toEqual([]);

    const unset = await startWorkerd({ code });
    servers.push(unset);
    const failed = await fetch(`${unset.url}/profile`, { method: "POST", redirect: "manual" });
    expect(failed.status).toBe(500);
    expect(failed.headers.getSetCookie()).toEqual([]);
  });
});
