/**
 * examples/react-router in Chromium: built with `react-router build` (Vite) from the clean tree, served
 * by `react-router-serve`, and driven as a user would. The seed tutorial's two flows (a wrong password,
 * an updated profile) each show their message once, through client-side submissions whose loaders
 * revalidate over single-fetch `.data` requests; a reload and back/forward never bring it back; a
 * prefetch (`<Link prefetch="intent">`) consumes nothing. Needs the build (`npm run build`): the
 * example imports flashkit by name, which resolves to dist/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type { Request as PlaywrightRequest } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { hasChromium } from "./chromium.js";
import { useExampleBrowser } from "./example-browser.js";

const run = hasChromium();
const EXAMPLE = fileURLToPath(new URL("../../examples/react-router/", import.meta.url));
const BIN = fileURLToPath(new URL("../../node_modules/.bin/", import.meta.url));
const SECRET = "react-router-example-secret-0123456789-0123";

/** Runs a command in the example's directory; rejects with its output when it fails. */
function exec(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: EXAMPLE,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

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

/** Starts `react-router-serve` on the build and resolves once it listens. */
async function serve(port: number): Promise<ChildProcess> {
  const child = spawn(`${BIN}react-router-serve`, ["build/server/index.js"], {
    cwd: EXAMPLE,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", FLASH_SECRET: SECRET },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(`:${port}`)) resolve();
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code) => reject(new Error(`react-router-serve exited with ${code}: ${output}`)));
  });
  return child;
}

describe("examples/react-router", () => {
  it("type-checks under strict (against the built package)", async () => {
    await exec(`${BIN}tsc`, ["-p", "tsconfig.json", "--noEmit"]);
  }, 60_000);
});

describe.skipIf(!run)("examples/react-router in Chromium", () => {
  const { tab, url, shown, flashCookies } = useExampleBrowser({
    start: async () => {
      rmSync(`${EXAMPLE}build`, { recursive: true, force: true });
      const started = performance.now();
      await exec(`${BIN}react-router`, ["build"], { VITE_LOG_LEVEL: "silent" });
      console.log(`examples/react-router: react-router build took ${Math.round(performance.now() - started)} ms`);
      const port = await freePort();
      const server = await serve(port);
      return { url: `http://127.0.0.1:${port}`, close: async () => void server.kill("SIGTERM") };
    },
    timeout: 180_000,
    tabs: "shared",
    tidyText: true,
    serverCookiesOnly: true,
  });
  /** The requests the page made to the app, in order. */
  const requests: PlaywrightRequest[] = [];
  beforeAll(() => {
    tab.on("request", (request) => {
      if (request.url().startsWith(url(""))) requests.push(request);
    });
  });

  const hydrated = () => tab.waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith("__react")));
  const since = (mark: number) => requests.slice(mark).map((r) => `${r.method()} ${new URL(r.url()).pathname}`);

  it("a wrong password: the error shows once, through a client-side submission and the loaders' revalidation", async () => {
    await tab.goto(url("/login"));
    await hydrated();
    expect(await shown()).toEqual([]);
    const mark = requests.length;
    await tab.fill("#username", "admin");
    await tab.fill("#password", "wrong");
    await tab.click('button[type="submit"]');
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["danger: Error: Invalid username or password"]);
    // No document request: the action and the revalidation went through single fetch.
    expect(since(mark)).toEqual(["POST /login.data", "GET /login.data"]);
    expect(await flashCookies()).toEqual([]);
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });

  it("an updated profile: the success shows once; reload, back and forward do not bring it back", async () => {
    await tab.goto(url("/"));
    await hydrated();
    await tab.click('nav a[href="/profile"]');
    await tab.waitForSelector("#name");
    await tab.fill("#name", "Ada");
    await tab.click('button[type="submit"]');
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["success: Success: Profile updated successfully!"]);
    expect(await flashCookies()).toEqual([]);

    await tab.click('nav a[href="/login"]');
    await tab.waitForSelector("#username");
    expect(await shown()).toEqual([]);
    await tab.goBack();
    await tab.waitForSelector("#name");
    expect(await shown()).toEqual([]);
    await tab.goForward();
    await tab.waitForSelector("#username");
    expect(await shown()).toEqual([]);
    await tab.goBack();
    await tab.waitForSelector("#name");
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });

  it("a message flashed without JavaScript's help shows on the next document, once", async () => {
    await tab.goto(url("/profile"));
    await hydrated();
    // A plain form post, as without JavaScript: the action's redirect, then the document.
    await tab.evaluate(() => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = "/profile";
      form.innerHTML = '<input name="name" value="">';
      document.body.append(form);
      form.submit();
    });
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["danger: Error: Please enter your name."]);
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });

  it("a prefetch (<Link prefetch=intent>) reads the pending message without consuming it", async () => {
    await tab.goto(url("/"));
    await hydrated();
    // Flash without reading: the action's redirect is not followed.
    await tab.evaluate(() =>
      fetch("/profile", { method: "POST", body: new URLSearchParams({ name: "Grace" }), redirect: "manual" }),
    );
    expect(await flashCookies()).toHaveLength(1);
    const prefetched = tab.waitForRequest((r) => r.url().startsWith(url("/login.data")));
    await tab.hover('nav a[href="/login"]');
    const prefetch = await prefetched;
    const headers = await prefetch.allHeaders();
    expect(headers["sec-purpose"] ?? headers.purpose).toMatch(/prefetch/);
    expect((await prefetch.response())?.status()).toBe(200);
    // The prefetch ran the root loader's read (no `_routes`: every loader), which removed nothing.
    expect(new URL(prefetch.url()).searchParams.has("_routes")).toBe(false);
    expect(await flashCookies()).toHaveLength(1);
    const mark = requests.length;

    await tab.click('nav a[href="/login"]');
    await tab.waitForSelector("#username");
    expect(await shown()).toEqual(["success: Success: Profile updated successfully!"]);
    // The navigation fetched the data again (not from the prefetch), as a read that consumes.
    expect(since(mark)).toEqual(["GET /login.data"]);
    expect((await requests.at(-1)!.allHeaders())["sec-purpose"]).toBeUndefined();
    expect(await flashCookies()).toEqual([]);
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
    expect(await flashCookies()).toEqual([]);
  });
});
