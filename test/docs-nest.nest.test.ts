/**
 * docs/nest.md's code blocks: those naming a file of examples/nest on their first line are that file,
 * byte for byte (test/browser/nest.test.ts compiles the example and drives it in Chromium); those
 * naming a file of `your-app/` (the reference: forRootAsync() with @nestjs/config, an end-to-end test)
 * are put beside a copy of the example's sources, compiled with the example's compiler settings
 * (decorators and their metadata) against dist/, and the test among them is run with `node --test`:
 * it must pass. Needs the build.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
const page = readFileSync(join(root, "docs/nest.md"), "utf8");
const blocks = [...page.matchAll(/```(\w+)\n([\s\S]*?)```/g)]
  .map(([, lang, body]) => ({ lang: lang!, body: body! }))
  .filter((block) => block.lang !== "sh")
  .map((block) => {
    const [first = "", ...rest] = block.body.split("\n");
    const path = /^(?:\/\/ (\S+)|\{# (\S+) #\})$/.exec(first);
    return { ...block, path: path?.[1] ?? path?.[2] ?? first, content: rest.join("\n") };
  });
const exampleBlocks = blocks.filter((block) => block.path.startsWith("examples/nest/"));
const referenceBlocks = blocks.filter((block) => block.path.startsWith("your-app/"));
const run = promisify(execFile);

describe("docs/nest.md", () => {
  it("names a file on the first line of every block: one of examples/nest, or of your-app/", () => {
    expect(blocks.map((block) => block.path)).toEqual(
      blocks.map(() => expect.stringMatching(/^(examples\/nest|your-app)\/\S+$/)),
    );
    expect(exampleBlocks.length).toBeGreaterThanOrEqual(7);
    expect(referenceBlocks.map((block) => block.path)).toEqual([
      "your-app/src/config-app.module.ts",
      "your-app/test/app.e2e-spec.ts",
    ]);
  });

  it.each(exampleBlocks.map((block) => [block.path, block.content]))("%s is the example's file", (path, content) => {
    expect(content).toBe(readFileSync(join(root, path), "utf8"));
  });

  it("the reference blocks compile beside the example's sources, and the end-to-end test passes", async () => {
    const project = join(root, ".tmp/docs-nest");
    rmSync(project, { recursive: true, force: true });
    cpSync(join(root, "examples/nest/src"), join(project, "src"), { recursive: true });
    cpSync(join(root, "examples/nest/views"), join(project, "views"), { recursive: true });
    for (const block of referenceBlocks) {
      const file = join(project, block.path.slice("your-app/".length));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, block.content);
    }
    const example = JSON.parse(readFileSync(join(root, "examples/nest/tsconfig.json"), "utf8"));
    const compilerOptions = { ...example.compilerOptions, rootDir: ".", outDir: "out" };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src", "test"] }));
    await run(join(root, "node_modules/.bin/tsc"), ["-p", project]);
    const { stdout } = await run(process.execPath, ["--test", "out/test/app.e2e-spec.js"], {
      cwd: project,
      env: { ...process.env, FLASH_SECRET: "docs-nest-secret-0123456789-0123456789", NODE_ENV: "test" },
    });
    expect(stdout).toMatch(/# pass 4\n# fail 0/);
    rmSync(project, { recursive: true, force: true });
  }, 60_000);
});
