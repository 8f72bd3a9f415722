/**
 * The code blocks of docs/react-router.md and docs/migrating-from-remix-toast.md, as written: each block
 * opens with a comment naming its file (`// app/root.tsx`); the blocks of a section make an app, over the
 * quick start's files where the section leaves them out. Every app is written to .tmp/, type-checked
 * (strict, the example's settings), then its modules are served by React Router's own request handler
 * (reactRouterHandler(): documents answer the loaders' data as JSON) and driven
 * as a browser: a form post flashes and redirects, the next page shows the message once. Needs the
 * build (`npm run build`): the blocks import flashkit by name.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "react-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RouteModuleOf, reactRouterHandler } from "../src/testing/apps/react-router.js";
import { createCookieJar } from "../src/testing/cookie-jar.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORK = join(ROOT, ".tmp/docs-react-router");
const SECRET = "docs-react-router-secret-0123456789-0123456";

type Files = Record<string, string>;

/** The apps of a page: its sections' blocks by file name, each over the first section's files. */
function appsOf(page: string): Record<string, Files> {
  const text = readFileSync(join(ROOT, "docs", page), "utf8");
  const apps: Record<string, Files> = {};
  let base: Files | undefined;
  for (const section of text.split(/^## /m).slice(1)) {
    const title = section.slice(0, section.indexOf("\n"));
    const files: Files = {};
    for (const [, code] of section.matchAll(/```tsx?\n([\s\S]*?)```/g)) {
      const name = /^\/\/ (\S+)\n/.exec(code ?? "")?.[1];
      expect(name, `a code block of ${page} (${title}) names its file on its first line`).toBeDefined();
      files[name!] = code!;
    }
    if (Object.keys(files).length === 0) continue;
    base ??= files;
    apps[`${page} ${title}`] = { ...base, ...files };
  }
  return apps;
}

const apps = { ...appsOf("react-router.md"), ...appsOf("migrating-from-remix-toast.md") };
const dirOf = (name: string) => join(WORK, name.replace(/[^a-z0-9]+/gi, "-"));

/** A React Router server build over an app's modules: `root`, and `app/routes/<name>.tsx` at `/<name>`. */
async function serve(name: string): Promise<(request: Request) => Promise<Response>> {
  const dir = dirOf(name);
  const load = (file: string) => import(pathToFileURL(join(dir, file)).href);
  const routes: Record<string, RouteModuleOf> = { root: { path: "", module: await load("app/root.tsx") } };
  for (const file of Object.keys(apps[name]!)) {
    const route = /^app\/routes\/(.+)\.tsx$/.exec(file)?.[1];
    if (route) routes[`routes/${route}`] = { path: route, module: await load(file) };
  }
  const config = apps[name]!["react-router.config.ts"] ? (await load("react-router.config.ts")).default : {};
  return reactRouterHandler(createRequestHandler, routes, { middleware: config.future?.v8_middleware === true });
}

/** A browser over a handler: cookies kept, redirects followed, the root loader's messages of each page. */
function browser(handle: (request: Request) => Promise<Response>) {
  const jar = createCookieJar();
  const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await handle(
      new Request(`http://app.test${path}`, { ...init, headers: { ...init.headers, cookie: jar.header() } }),
    );
    jar.apply(response.headers.getSetCookie());
    return response;
  };
  return {
    async post(path: string, form: Record<string, string>): Promise<string> {
      const response = await send(path, { method: "POST", body: new URLSearchParams(form) });
      expect(response.status, await response.clone().text()).toBe(302);
      return response.headers.get("Location")!;
    },
    async messages(path: string): Promise<unknown> {
      const response = await send(path);
      expect(response.status).toBe(200);
      return ((await response.json()) as { root: { messages: unknown } }).root.messages;
    },
    cookieNames: () =>
      jar
        .header()
        .split("; ")
        .filter(Boolean)
        .map((c) => c.split("=")[0]),
  };
}

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  for (const [name, files] of Object.entries(apps)) {
    for (const [file, code] of Object.entries(files)) {
      const path = join(dirOf(name), file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, code);
    }
  }
  writeFileSync(
    join(WORK, "tsconfig.json"),
    JSON.stringify({
      extends: "../../examples/react-router/tsconfig.json",
      compilerOptions: { rootDir: "." },
      include: ["."],
    }),
  );
  process.env.FLASH_SECRET = SECRET;
}, 60_000);
afterAll(() => {
  delete process.env.FLASH_SECRET;
});

describe("the React Router docs' code blocks", () => {
  it("name the apps this test expects", () => {
    expect(Object.keys(apps)).toEqual([
      "react-router.md Quick start",
      "react-router.md Middleware",
      "react-router.md Your own session storage",
      "migrating-from-remix-toast.md A migrated app",
    ]);
  });

  it("type-check under strict", async () => {
    const output = await new Promise<string>((resolve) => {
      const child = spawn(join(ROOT, "node_modules/.bin/tsc"), ["-p", join(WORK, "tsconfig.json"), "--noEmit"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      child.stdout.on("data", (chunk) => (text += chunk));
      child.stderr.on("data", (chunk) => (text += chunk));
      child.once("exit", (code) => resolve(code === 0 ? "" : text || `tsc exited with ${code}`));
    });
    expect(output).toBe("");
  }, 60_000);

  it.each(["react-router.md Quick start", "react-router.md Middleware", "react-router.md Your own session storage"])(
    "%s: the profile form's message shows once after the redirect",
    async (name) => {
      const client = browser(await serve(name));
      expect(await client.messages("/profile")).toEqual([]);
      expect(await client.post("/profile", { name: " " })).toBe("/profile");
      expect(await client.messages("/profile")).toEqual([["error", "Please enter your name."]]);
      expect(await client.post("/profile", { name: "Ada" })).toBe("/profile");
      const shown = await client.messages("/profile");
      expect(shown).toEqual(
        name.endsWith("Middleware")
          ? [
              ["success", "Profile updated successfully!"],
              ["info", "Welcome, Ada"],
            ]
          : [["success", "Profile updated successfully!"]],
      );
      expect(await client.messages("/profile")).toEqual([]);
      if (name.endsWith("session storage")) expect(client.cookieNames()).toEqual(["__flash"]);
      else expect(client.cookieNames()).toEqual([]);
    },
  );

  it("migrating-from-remix-toast.md A migrated app: the same call sites show each message once", async () => {
    const client = browser(await serve("migrating-from-remix-toast.md A migrated app"));
    expect(await client.post("/profile", { name: "Ada" })).toBe("/profile");
    expect(await client.messages("/profile")).toEqual([["success", "Profile updated successfully!"]]);
    expect(await client.post("/settings", {})).toBe("/settings");
    expect(await client.messages("/settings")).toEqual([
      ["success", "Settings saved"],
      ["warning", "Your email address needs confirming"],
    ]);
    expect(await client.messages("/settings")).toEqual([]);
    expect(client.cookieNames()).toEqual([]);
  });
});
