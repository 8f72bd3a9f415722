/**
 * The Koa, Hono and fetch examples (examples/<name>/server.js), started as a user would and driven over
 * HTTP: a form post flashes and redirects, the page shows the message once and escaped, a failing
 * route's message shows on the next page (Koa, Hono). Needs the build (`npm run build`): the examples
 * import the package by name, which resolves to dist/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createBrowserClient } from "../src/testing/index.js";

const SECRET = "examples-test-secret-0123456789-0123456789";
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill("SIGTERM");
});

/** Starts an example on a free port and resolves with its URL once it says where it listens. */
function startExample(name: string, env: Record<string, string> = {}): Promise<string> {
  const script = fileURLToPath(new URL(`../examples/${name}/server.js`, import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: "0", FLASH_SECRET: SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      const url = /running at (http:\/\/[\d.:]+)\//.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code) => reject(new Error(`examples/${name} exited with ${code}: ${output}`)));
  });
}

const post = (name: string) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ name }).toString(),
});

describe.each(["koa", "hono", "fetch"])("examples/%s", (name) => {
  it("flashes on a form post, shows the message once after the redirect, escaped", async () => {
    const browser = createBrowserClient(await startExample(name));
    const quiet = await browser.fetch("/");
    expect(quiet.headers.getSetCookie()).toEqual([]);
    const page = await (await browser.fetch("/update_profile", post("Ada <b>"))).text();
    expect(page).toContain("Profile updated successfully, Ada &lt;b&gt;!");
    expect(page).toContain('data-flash-level="success"');
    expect(await (await browser.fetch("/")).text()).not.toContain("Profile updated");
    const empty = await (await browser.fetch("/update_profile", post(" "))).text();
    expect(empty).toContain("Please enter your name.");
    expect(browser.cookies()).toEqual([]);
  });

  it.runIf(name !== "fetch")("turns a failing route into a flashed error on the next page", async () => {
    const browser = createBrowserClient(await startExample(name));
    const page = await (await browser.fetch("/fail", { method: "POST" })).text();
    expect(page).toContain("Something went wrong: this route always fails");
  });

  it("refuses to start in production without FLASH_SECRET", async () => {
    await expect(startExample(name, { FLASH_SECRET: "", NODE_ENV: "production" })).rejects.toThrow(
      /FLASH_SECRET|secret/,
    );
  });
});
