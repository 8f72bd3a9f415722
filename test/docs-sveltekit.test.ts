/**
 * docs/sveltekit.md and docs/migrating-from-sveltekit-flash-message.md, as written.
 *
 * - docs/sveltekit.md's blocks are examples/sveltekit's files, byte for byte (each block names its file
 *   on its first line); test/browser/sveltekit.test.ts type-checks, builds and drives that app.
 * - `vite dev` without a secret signs with a random one, with a warning, and the flows work.
 * - The build needs no secret (scripts/sveltekit-app.js builds without FLASH_SECRET), and a production
 *   server without one fails its first request with ERR_FLASH_CONFIG saying what to set.
 * - The migration page's blocks, laid over the example's files in .tmp/, make an app that is
 *   type-checked (strict), built with adapter-node and driven as a browser without JavaScript would:
 *   a form action and an endpoint flash and redirect, the next page shows the message once; a `fail()`
 *   shows it at once.
 *
 * Needs the build (`npm run build`): the apps import flashkit by name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCookieJar } from "../src/testing/cookie-jar.js";
import {
  buildSvelteKit,
  SVELTEKIT_APPS,
  SVELTEKIT_BUILD_TIMEOUT,
  type SvelteKitServer,
  startSvelteKit,
} from "./sveltekit-server.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSC = join(ROOT, "node_modules/.bin/tsc");
const MIGRATION_APP = join(ROOT, ".tmp/docs-sveltekit-migration");
const SECRET = "docs-sveltekit-secret-0123456789-0123456789";
const VITE = join(ROOT, "node_modules/vite/bin/vite.js");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The fenced blocks of a page, but shell commands: language, the file named on the first line, body. */
function blocksOf(page: string): { lang: string; file: string; body: string }[] {
  const text = readFileSync(join(ROOT, "docs", page), "utf8");
  return [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)]
    .filter(([, lang]) => lang !== "sh")
    .map(([, lang, code]) => {
      const first = code!.slice(0, code!.indexOf("\n"));
      const file = /^(?:\/\/|<!--) (\S+)(?: -->)?$/.exec(first)?.[1] ?? "";
      return { lang: lang!, file, body: code!.slice(first.length + 1) };
    });
}

function tsc(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSC, ["-p", "tsconfig.json", "--noEmit"], { cwd });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.stderr.on("data", (chunk) => (text += chunk));
    child.once("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`tsc exited with ${code}:\n${text}`))));
  });
}

describe("docs/sveltekit.md", () => {
  const blocks = blocksOf("sveltekit.md");

  it("names an example file on the first line of every block", () => {
    expect(blocks.map((block) => block.file)).toEqual(
      blocks.map(() => expect.stringMatching(/^examples\/sveltekit\//)),
    );
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it.each(blocks.map((block) => [block.file, block.body]))("%s is the example's file", (file, body) => {
    expect(body).toBe(readFileSync(join(ROOT, file), "utf8"));
  });

  describe("the secret", () => {
    let server: SvelteKitServer | undefined;
    afterAll(() => server?.close());

    it(
      "the build needs none; a production server without one fails its first request, saying what to set",
      async () => {
        await buildSvelteKit(SVELTEKIT_APPS.example);
        server = await startSvelteKit(SVELTEKIT_APPS.example, { FLASH_SECRET: undefined });
        const response = await fetch(`${server.url}/`);
        expect(response.status).toBe(500);
        await response.body?.cancel();
        await expect.poll(() => server!.output()).toMatch(/ERR_FLASH_CONFIG|FLASH_SECRET/);
        expect(server.output()).toContain("FLASH_SECRET");
      },
      SVELTEKIT_BUILD_TIMEOUT,
    );
  });
});

describe("docs/sveltekit.md: vite dev", () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  });

  it(
    "without a secret signs with a random one, with a warning, and the example's flows work",
    async () => {
      await buildSvelteKit(SVELTEKIT_APPS.example);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: "development" };
      delete env.FLASH_SECRET;
      child = spawn(process.execPath, [VITE, "dev", "--port", String(port), "--strictPort", "--host", "127.0.0.1"], {
        cwd: SVELTEKIT_APPS.example,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (chunk) => (output += chunk));
      child.stderr!.on("data", (chunk) => (output += chunk));
      await expect
        .poll(
          () =>
            fetch(`${base}/`).then(
              (r) => r.status,
              () => 0,
            ),
          { timeout: 60_000 },
        )
        .toBe(200);
      const jar = createCookieJar();
      const posted = await fetch(`${base}/profile`, {
        method: "POST",
        headers: { origin: base, accept: "text/html" },
        body: new URLSearchParams({ name: "Ada" }),
        redirect: "manual",
      });
      expect(posted.status).toBe(303);
      jar.apply(posted.headers.getSetCookie());
      const page = await fetch(`${base}/profile`, { headers: { cookie: jar.header() } });
      jar.apply(page.headers.getSetCookie());
      expect(await page.text()).toContain("Profile updated successfully!");
      expect(jar.header()).toBe("");
      expect(output).toContain("no secret given");
    },
    SVELTEKIT_BUILD_TIMEOUT,
  );
});

describe("docs/migrating-from-sveltekit-flash-message.md", () => {
  const blocks = blocksOf("migrating-from-sveltekit-flash-message.md");
  let server: SvelteKitServer | undefined;

  beforeAll(async () => {
    expect(blocks.map((block) => block.file)).toEqual(blocks.map(() => expect.stringMatching(/^src\//)));
    // The page's files over the example's: the example's own pages stay, the page's replace or add.
    const wanted = new Set(blocks.map((block) => block.file));
    if (existsSync(MIGRATION_APP)) {
      for (const file of ["src", "package.json", "svelte.config.js", "vite.config.ts", "tsconfig.json"]) {
        rmSync(join(MIGRATION_APP, file), { recursive: true, force: true });
      }
    }
    mkdirSync(MIGRATION_APP, { recursive: true });
    for (const file of ["src", "package.json", "svelte.config.js", "vite.config.ts", "tsconfig.json"]) {
      cpSync(join(SVELTEKIT_APPS.example, file), join(MIGRATION_APP, file), { recursive: true });
    }
    for (const block of blocks) {
      mkdirSync(dirname(join(MIGRATION_APP, block.file)), { recursive: true });
      writeFileSync(join(MIGRATION_APP, block.file), block.body);
    }
    expect(wanted.size).toBe(blocks.length);
    const seconds = await buildSvelteKit(MIGRATION_APP);
    console.log(`docs/migrating-from-sveltekit-flash-message.md: vite build took ${seconds.toFixed(1)} s`);
    server = await startSvelteKit(MIGRATION_APP, { FLASH_SECRET: SECRET });
  }, SVELTEKIT_BUILD_TIMEOUT);
  afterAll(() => server?.close());

  it("type-checks under strict", async () => {
    expect(await tsc(MIGRATION_APP)).toBe("");
  }, 60_000);

  /** A browser without JavaScript: a cookie jar, redirects followed by hand. */
  async function submit(path: string, form: Record<string, string>) {
    const jar = createCookieJar();
    const post = await fetch(`${server!.url}${path}`, {
      method: "POST",
      headers: { origin: server!.url, accept: "text/html", cookie: jar.header() },
      body: new URLSearchParams(form),
      redirect: "manual",
    });
    jar.apply(post.headers.getSetCookie());
    const get = async (location: string) => {
      const response = await fetch(new URL(location, server!.url), { headers: { cookie: jar.header() } });
      jar.apply(response.headers.getSetCookie());
      return response.text();
    };
    return { post, jar, get };
  }

  it("a form action's redirect(): the next page shows the message once", async () => {
    const { post, get } = await submit("/todos", { text: "Write the docs" });
    expect(post.status).toBe(303);
    expect(post.headers.get("location")).toBe("/");
    const page = await get("/");
    expect(page).toContain(`<div class="flash flash-success" role="status">That's the entrepreneur spirit!</div>`);
    expect(await get("/")).not.toContain("entrepreneur");
  });

  it("setFlash() and fail(): the page the action renders shows the message at once, and only then", async () => {
    const { post, get } = await submit("/todos", { text: "" });
    expect(post.status).toBe(400);
    expect(await post.text()).toContain('<div class="flash flash-error" role="status">Please enter text.</div>');
    expect(await get("/")).not.toContain("Please enter text.");
  });

  it("an endpoint's redirect(): the next page shows the message once", async () => {
    const { post, get } = await submit("/todos/api", {});
    expect(post.status).toBe(303);
    const page = await get(post.headers.get("location")!);
    // Once in the markup (the page's data, for hydration, holds it too).
    expect(page.match(/<div class="flash flash-success" role="status">Endpoint POST successful!<\/div>/g)).toHaveLength(
      1,
    );
    expect(await get("/")).not.toContain("Endpoint POST successful!");
  });
});
