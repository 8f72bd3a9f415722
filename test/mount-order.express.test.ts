/**
 * Issue: Express apps mount flashkit among other middleware, in either order, and a test suite or a
 * fresh deploy sends its first request to a fresh process. Each app here runs in a process of its
 * own (test/fixtures/express-apps/mount-order.mjs, over the built package), so the first request it
 * gets is the first request of that process: a flash on it must reach the browser, and a read on it
 * must consume what it showed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type BrowserClient, createBrowserClient } from "../src/testing/browser-client.js";

const APP = fileURLToPath(new URL("./fixtures/express-apps/mount-order.mjs", import.meta.url));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill();
});

/** Starts the app in a fresh Node process and returns its URL and a way to stop it. */
async function startApp(args: readonly string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [APP, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) resolve(line.trim());
    });
    child.once("exit", (code) => reject(new Error(`app exited (${code}) before listening: ${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill();
        await once(child, "exit");
      }
      children.delete(child);
    },
  };
}

const SHOWN = [["success", "Profile updated successfully!"]];

async function readPage(browser: BrowserClient, origin = browser.baseUrl): Promise<unknown> {
  const response = await browser.fetch(`${origin}/page`);
  expect(response.status).toBe(200);
  return response.json();
}

/** The first request of one fresh process flashes; the first request of another fresh process reads. */
async function checkFreshProcesses(args: readonly string[], acrossProcesses = true): Promise<void> {
  const first = await startApp(args);
  const browser = createBrowserClient(first.url);
  try {
    // First request of the process: a POST that flashes, followed through its redirect.
    const flashed = await browser.fetch("/flash", { method: "POST" });
    expect(flashed.status).toBe(200);
    expect(await flashed.json()).toEqual(SHOWN);
    expect(await readPage(browser)).toEqual([]);
    // Later requests of the same process.
    expect((await browser.fetch("/flash", { method: "POST" })).status).toBe(200);
    expect(await readPage(browser)).toEqual([]);
    // Leave one message pending for the next process.
    expect((await browser.fetch("/flash", { method: "POST", redirect: "manual" })).status).toBe(303);
  } finally {
    await first.stop();
  }
  if (!acrossProcesses) return;
  const second = await startApp(args);
  try {
    // The same browser (its jar is shared by every port of the host), now at the new process:
    // its first request is a read, which must consume what it shows.
    expect(await readPage(browser, second.url)).toEqual(SHOWN);
    expect(await readPage(browser, second.url)).toEqual([]);
    expect(browser.cookies().filter((cookie) => cookie.name.startsWith("flash."))).toEqual([]);
  } finally {
    await second.stop();
  }
}

const MIDDLEWARE = [
  "express-session",
  "cookie-session",
  "compression",
  "helmet",
  "morgan",
  "cookie-parser",
  "body-parsers",
  "serve-static",
  "router",
];

describe.each(["express5", "express4"])("flashkit/express on %s in a fresh process", (version) => {
  describe.each(MIDDLEWARE)("with %s", (middleware) => {
    it.each(["before", "after"])(
      `flashkit mounted %s ${middleware}: the first request flashes and reads`,
      async (order) => {
        await checkFreshProcesses([version, middleware, order, "express"]);
      },
    );
  });
});

describe.each(["express5", "express4"])(
  "flashkit/express with the session store on %s in a fresh process",
  (version) => {
    it.each(["express-session", "cookie-session"])(
      "with %s mounted first: the first request flashes and reads",
      async (middleware) => {
        // express-session's default MemoryStore lives in the process: its sessions end with it.
        await checkFreshProcesses(
          [version, middleware, "after", "express", "session"],
          middleware !== "express-session",
        );
      },
    );
  },
);

describe.each(["express5", "express4"])("flashkit/connect-flash on %s in a fresh process", (version) => {
  it.each(["express-session", "cookie-session", "compression"])(
    "with %s mounted first (the migration order): the first request flashes and reads",
    async (middleware) => {
      await checkFreshProcesses([version, middleware, "after", "connect-flash"]);
    },
  );
});
