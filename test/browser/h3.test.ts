/**
 * examples/h3 (flashkit/h3 on h3 v2, Node) started as a user would and driven in Chromium: the seed
 * tutorial's two flows (each message shown once, gone on reload, not brought back by back and
 * forward), a `<link rel=prefetch>` of a page with a message pending (Chromium sends `Sec-Purpose:
 * prefetch`) that consumes nothing, and a failing route whose message shows on the next page. Over
 * HTTP: no FLASH_SECRET in production stops the example at start-up, saying what to set. Needs the
 * build (`npm run build`): the example imports the package by name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { hasChromium } from "./chromium.js";
import { useExampleBrowser } from "./example-browser.js";

const SECRET = "h3-example-secret-0123456789-0123456789";
const SCRIPT = fileURLToPath(new URL("../../examples/h3/server.js", import.meta.url));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGTERM");
});

/** Starts examples/h3 on a free port: its URL once it listens, or its output if it exits first. */
function startExample(env: Record<string, string | undefined>): Promise<{ url: string } | { exit: string }> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  return new Promise((resolve) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      const url = /running at (http:\/\/[\d.:]+)\//.exec(output)?.[1];
      if (url) resolve({ url });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", () => resolve({ exit: output }));
  });
}

describe("examples/h3 start-up", () => {
  it("refuses to start in production without FLASH_SECRET, saying what to set", async () => {
    const started = await startExample({ NODE_ENV: "production", FLASH_SECRET: undefined });
    expect(started).toEqual({ exit: expect.stringMatching(/flashkit h3 example: .*FLASH_SECRET/) });
  });
});

describe.skipIf(!hasChromium())("examples/h3 in Chromium", () => {
  const { tab, url, shown, flashCookies } = useExampleBrowser({
    start: async () => {
      const started = await startExample({ FLASH_SECRET: SECRET });
      if (!("url" in started)) throw new Error(`examples/h3 did not start: ${started.exit}`);
      return started;
    },
  });

  it("login with a wrong password: the error shows once, closes with its button, and is gone on reload", async () => {
    await tab.goto(url("/login"));
    await tab.fill("#username", "admin");
    await tab.fill("#password", "wrong");
    await tab.click('button[type="submit"]');
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["danger: Error: Invalid username or password"]);
    expect(await tab.getAttribute("[data-flash-message]", "class")).toContain("alert-danger");
    expect(await flashCookies()).toEqual([]);
    // flashkit/client closes it (the page loads no Bootstrap JS).
    await tab.click("[data-flash-message] .btn-close");
    await tab.waitForSelector("[data-flash-message]", { state: "detached" });
    await tab.reload();
    expect(await shown()).toEqual([]);
  });

  it("update profile: the success shows once; reload, back and forward do not bring it back", async () => {
    await tab.goto(url("/"));
    await tab.click('nav a[href="/profile"]');
    await tab.waitForSelector("#name");
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
    expect(await shown()).toEqual([]);
  });

  it("a <link rel=prefetch> of the page consumes nothing; the navigation after it shows the message once", async () => {
    await tab.goto(url("/"));
    // A message pending, flashed by a form post of another tab.
    expect((await tab.request.post(url("/profile"), { form: { name: "Ada" }, maxRedirects: 0 })).status()).toBe(303);
    expect(await flashCookies()).toHaveLength(1);
    const prefetched = tab.waitForRequest(
      (request) => request.url() === url("/profile") && request.headers()["sec-purpose"] === "prefetch",
    );
    const answered = tab.waitForEvent("requestfinished", (request) => request.url() === url("/profile"));
    await tab.click("#prefetch");
    await prefetched;
    await answered;
    expect(await flashCookies()).toHaveLength(1);
    await tab.click('nav a[href="/profile"]');
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["success: Success: Profile updated successfully!"]);
    expect(await flashCookies()).toEqual([]);
  });

  it("a route that throws still commits: its message shows on the next page", async () => {
    await tab.goto(url("/"));
    const failed = await tab.request.post(url("/fail"), { maxRedirects: 0 });
    expect(failed.status()).toBe(500);
    expect(await flashCookies()).toHaveLength(1);
    await tab.reload();
    expect(await shown()).toEqual(["danger: Error: Something went wrong, and this message says so."]);
  });
});
