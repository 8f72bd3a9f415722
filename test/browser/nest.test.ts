/**
 * examples/nest (flashkit/nest on NestJS 11) compiled with tsc as a Nest user's project is
 * (experimentalDecorators, emitDecoratorMetadata), then run on Nest's Express platform and on its
 * Fastify platform and driven in Chromium: the seed tutorial's two flows (shown once, gone on
 * reload), an exception filter's message, back and forward, and a prefetch that consumes nothing.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { hasChromium } from "./chromium.js";
import { type ExampleServer, useExampleBrowser } from "./example-browser.js";

const root = new URL("../../", import.meta.url);
const SECRET = "nest-example-secret-0123456789-0123456789";
const run = hasChromium();

let building: Promise<unknown> | undefined;

/** Compiles examples/nest into examples/nest/dist with its own tsconfig (once); fails on any type error. */
async function buildExample(): Promise<void> {
  const tsc = fileURLToPath(new URL("node_modules/.bin/tsc", root));
  building ??= promisify(execFile)(tsc, ["-p", fileURLToPath(new URL("examples/nest/tsconfig.json", root))]);
  await building;
}

/** Starts the compiled example on `platform` on a free port; resolves with its URL and `close()`. */
async function startExample(platform: "express" | "fastify"): Promise<Required<ExampleServer>> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL("examples/nest/dist/main.js", root))], {
    env: { ...process.env, PLATFORM: platform, PORT: "0", FLASH_SECRET: SECRET, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`examples/nest did not start:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace("[::1]", "127.0.0.1"));
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`examples/nest exited with ${code}:\n${output}`)));
  });
  return {
    url,
    async close() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

it("examples/nest compiles with tsc (strict, experimentalDecorators, emitDecoratorMetadata) against dist/", async () => {
  await buildExample();
}, 60_000);

describe.skipIf(!run).each(["express", "fastify"] as const)("examples/nest in Chromium, %s platform", (platform) => {
  const { tab, url, messages, flashCookies } = useExampleBrowser({
    start: async () => {
      await buildExample();
      return startExample(platform);
    },
  });

  it("login with a wrong password: the error shows once, and is gone on reload", async () => {
    await tab.goto(url("/login"));
    await tab.fill("[name=username]", "admin");
    await tab.fill("[name=password]", "wrong");
    await tab.click("button[type=submit]");
    await tab.waitForURL(url("/login"));
    expect(await messages()).toEqual([["danger", "Error: Invalid username or password"]]);
    expect(await tab.getAttribute("[data-flash-message]", "class")).toContain("alert-danger");
    expect(await flashCookies()).toEqual([]);
    await tab.reload();
    expect(await messages()).toEqual([]);
  });

  it("login with a blank username: RedirectBackFilter turns the BadRequestException into a message on the form", async () => {
    await tab.goto(url("/login"));
    await tab.fill("[name=username]", "   ");
    await tab.fill("[name=password]", "x");
    await tab.click("button[type=submit]");
    await tab.waitForURL(url("/login"));
    expect(await messages()).toEqual([["danger", "Error: Please enter your username"]]);
  });

  it("login with the right password: a static @Redirect() to the home page, which shows the message", async () => {
    await tab.goto(url("/login"));
    await tab.fill("[name=username]", "admin");
    await tab.fill("[name=password]", "secret");
    await tab.click("button[type=submit]");
    await tab.waitForURL(url("/"));
    expect(await messages()).toEqual([["success", "Success: You were successfully logged in"]]);
  });

  it("update profile: the success shows once; back and forward do not bring it back", async () => {
    await tab.goto(url("/profile"));
    await tab.click("button[type=submit]");
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["success", "Success: Profile updated successfully!"]]);
    await tab.click("a.navbar-brand");
    await tab.waitForURL(url("/"));
    expect(await messages()).toEqual([]);
    await tab.goBack();
    await tab.waitForURL(url("/profile"));
    expect(await messages()).toEqual([]);
    await tab.goForward();
    await tab.waitForURL(url("/"));
    expect(await messages()).toEqual([]);
    await tab.reload();
    expect(await messages()).toEqual([]);
  });

  it("flashkit/client's close button dismisses a message", async () => {
    await tab.goto(url("/profile"));
    await tab.click("button[type=submit]");
    await tab.waitForSelector("[data-flash-message]");
    await tab.click("[data-flash-close]");
    await expect.poll(messages).toEqual([]);
  });

  it("a prefetch (<link rel=prefetch>) consumes nothing; the navigation after it shows the message", async () => {
    await tab.goto(url("/"));
    expect((await tab.request.post(url("/profile"), { maxRedirects: 0 })).status()).toBe(303);
    expect(await flashCookies()).toHaveLength(1);
    const prefetched = tab.waitForResponse(
      (response) => response.url() === url("/profile") && response.request().headers()["sec-purpose"] === "prefetch",
    );
    await tab.evaluate(() => {
      const link = document.createElement("link");
      link.rel = "prefetch";
      link.href = "/profile";
      document.head.append(link);
    });
    expect((await prefetched).ok()).toBe(true);
    expect(await flashCookies()).toHaveLength(1);
    await tab.click("nav >> text=Profile");
    await tab.waitForURL(url("/profile"));
    expect(await messages()).toEqual([["success", "Success: Profile updated successfully!"]]);
    expect(await flashCookies()).toEqual([]);
  });
});
