/**
 * The h3 v1 code blocks of docs/h3.md (marked `run=test/docs-h3.test.ts`), as written: each opens with a
 * comment naming its file. They import `h3` as an h3 v1 app does, while this repository's `h3` is v2
 * (v1 is the `h3-v1` alias): so they are type-checked (strict) with `h3` mapped to h3 v1's types, and
 * bundled with `h3` aliased to it. The v1 quick start runs as written (on a free port); the Nitro 2
 * files are mounted as Nitro mounts them (the middleware app-wide, `server/routes/login.post.ts` at
 * `POST /login`) and driven: a wrong password flashes and redirects, the login page shows the error
 * once. (The h3 v2 quick start is an `app` block that test/docs-snippets.all.test.ts runs.) Needs the
 * build (`npm run build`): the blocks import flashkit by name.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowserClient } from "../src/testing/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORK = join(ROOT, ".tmp/docs-h3");
const SECRET = "docs-h3-secret-0123456789-0123456789-abcdef";
const PAGE = "docs/h3.md";

/** The page's blocks run by this test, by the file their first line names. */
function blocksOf(): Record<string, string> {
  const text = readFileSync(join(ROOT, PAGE), "utf8");
  const files: Record<string, string> = {};
  for (const [, code] of text.matchAll(/<!-- check: run=test\/docs-h3\.test\.ts[^>]*-->\s*```ts\n([\s\S]*?)```/g)) {
    const name = /^\/\/ (\S+)\n/.exec(code!)?.[1];
    expect(name, `a block of ${PAGE} names its file on its first line`).toBeDefined();
    files[name!] = code!;
  }
  return files;
}

const files = blocksOf();
const children: ChildProcess[] = [];

/** Mounts the Nitro 2 files as Nitro does, on a free port. Written here, not in the page. */
const NITRO_HARNESS = `
import { createServer } from "node:http";
import { createApp, createRouter, toNodeListener } from "h3";
import middleware from "./server/middleware/flash.js";
import loginGet from "./server/routes/login.get.js";
import loginPost from "./server/routes/login.post.js";

const app = createApp().use(middleware);
app.use(createRouter().get("/login", loginGet).post("/login", loginPost));
createServer(toNodeListener(app)).listen(3000);
`;

/** Whatever port a script asks for, it listens on a free port of 127.0.0.1 and says which. */
const LISTEN_HOOK = `
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once("listening", () => console.log("docs-h3 listening on " + this.address().port));
  return listen.call(this, 0, "127.0.0.1");
};
`;

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  for (const [name, code] of Object.entries({
    ...files,
    "nitro-app.ts": NITRO_HARNESS,
    "listen-hook.mjs": LISTEN_HOOK,
  })) {
    mkdirSync(dirname(join(WORK, name)), { recursive: true });
    writeFileSync(join(WORK, name), code);
  }
  writeFileSync(
    join(WORK, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noUncheckedIndexedAccess: true,
        module: "preserve",
        moduleResolution: "bundler",
        target: "es2022",
        types: ["node"],
        typeRoots: [join(ROOT, "node_modules/@types")],
        skipLibCheck: true,
        noEmit: true,
        paths: { h3: [join(ROOT, "node_modules/h3-v1")] },
      },
      files: Object.keys(files),
    }),
  );
});

afterAll(() => {
  for (const child of children) child.kill("SIGTERM");
});

/** Bundles `entry` with `h3` aliased to h3 v1 (the packages left to node) and starts it: its URL. */
async function start(entry: string): Promise<string> {
  const script = join(WORK, entry.replace(/\.ts$/, ".run.mjs"));
  await build({
    entryPoints: [join(WORK, entry)],
    outfile: script,
    bundle: true,
    packages: "external",
    alias: { h3: "h3-v1" },
    platform: "node",
    format: "esm",
    logLevel: "error",
  });
  const child = spawn(process.execPath, ["--import", "./listen-hook.mjs", script], {
    cwd: WORK,
    env: { ...process.env, FLASH_SECRET: SECRET, NODE_ENV: "development" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      const port = /docs-h3 listening on (\d+)/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (status) => reject(new Error(`${entry} exited with ${status}:\n${output}`)));
  });
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** Posts `form` to `path`, follows the redirect once and checks `expected` shows there once, then no more. */
async function flashRedirectShowOnce(base: string, path: string, form: string, expected: string): Promise<void> {
  const browser = createBrowserClient(base);
  const redirect = await browser.fetch(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
    redirect: "manual",
  });
  expect(redirect.status).toBe(303);
  const location = redirect.headers.get("location") ?? "";
  expect(occurrences(await (await browser.fetch(location)).text(), expected)).toBe(1);
  expect(occurrences(await (await browser.fetch(location)).text(), expected)).toBe(0);
}

describe(`${PAGE}: the h3 v1 blocks`, () => {
  it("are the quick start and the three Nitro files", () => {
    expect(Object.keys(files)).toEqual([
      "server-v1.ts",
      "server/middleware/flash.ts",
      "server/routes/login.post.ts",
      "server/routes/login.get.ts",
    ]);
  });

  it("type-check under strict with h3 v1's types", () => {
    const tsc = join(ROOT, "node_modules/.bin/tsc");
    expect(() => execFileSync(tsc, ["-p", join(WORK, "tsconfig.json")], { encoding: "utf8" })).not.toThrow();
  }, 60_000);

  it("the v1 quick start runs: a POST flashes and redirects, the next page shows the message once", async () => {
    await flashRedirectShowOnce(await start("server-v1.ts"), "/update_profile", "", "Profile updated successfully!");
  }, 30_000);

  it("the Nitro 2 files, mounted as Nitro does: a wrong password shows the error once on the login page", async () => {
    const base = await start("nitro-app.ts");
    await flashRedirectShowOnce(base, "/login", "username=admin&password=wrong", "Invalid username or password");
    // The right password redirects to /profile (not among the page's files): the next page that reads shows it.
    const browser = createBrowserClient(base);
    const loggedIn = await browser.fetch("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=admin&password=secret",
      redirect: "manual",
    });
    expect([loggedIn.status, loggedIn.headers.get("location")]).toEqual([303, "/profile"]);
    expect(occurrences(await (await browser.fetch("/login")).text(), "Logged in successfully!")).toBe(1);
  }, 30_000);
});
