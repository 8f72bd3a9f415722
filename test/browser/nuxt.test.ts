/**
 * examples/nuxt (flashkit/nuxt on Nuxt 4) built with `nuxi build` and its built server run on Node 22,
 * driven in Chromium: the seed tutorial's two flows (form posts to server routes that redirect), a
 * server route's message after a client-side navigation, NuxtLink's prefetches (on visibility and on
 * hover) consuming nothing, back and forward, and hydration without a second request. Then the
 * built server without FLASH_SECRET, which stops at start-up saying what to set.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Request } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import { withNuxtDev } from "../../scripts/nuxt-app.js";
import { runtimeBinary } from "../../scripts/runtimes.js";
import { createBrowserClient } from "../../src/testing/index.js";
import { buildNuxt, hasNode22, NUXT_APPS, NUXT_BUILD_TIMEOUT, startNuxt } from "../nuxt-server.js";
import { hasChromium } from "./chromium.js";
import { useExampleBrowser } from "./example-browser.js";

const SECRET = "nuxt-example-secret-0123456789-0123456789";
const node22 = hasNode22();
const run = node22 && hasChromium();

describe.skipIf(!node22)("examples/nuxt build", () => {
  it(
    "nuxi build succeeds with no FLASH_SECRET",
    async () => {
      const seconds = await buildNuxt(NUXT_APPS.example, { env: { FLASH_SECRET: undefined } });
      console.log(`examples/nuxt: build ${seconds ? `${seconds.toFixed(1)} s` : "up to date"}`);
    },
    NUXT_BUILD_TIMEOUT,
  );

  it("the built server without FLASH_SECRET stops at start-up, saying what to set", async () => {
    const child = spawn(runtimeBinary("node22"), [join(NUXT_APPS.example, ".output", "server", "index.mjs")], {
      env: { PATH: process.env.PATH, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGTERM"), 15_000);
      child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(output).toMatch(/flashkit needs a secret in production: set `secret`/);
    expect(output).toContain("FLASH_SECRET");
    expect(code).not.toBe(0);
  }, 30_000);
});

describe.skipIf(!node22)("examples/nuxt with nuxi dev", () => {
  it("flashes from a server route and shows the message once, without FLASH_SECRET (a random secret, with a warning)", async () => {
    await withNuxtDev(NUXT_APPS.example, { FLASH_SECRET: undefined }, async (dev) => {
      const client = createBrowserClient(dev.url);
      const page = () => client.fetch("/login", { headers: { accept: "text/html", "sec-fetch-dest": "document" } });
      const posted = await client.fetch("/api/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=admin&password=wrong",
        redirect: "manual",
      });
      expect(posted.status).toBe(303);
      expect(client.cookies().map((cookie) => cookie.name)).toEqual([expect.stringMatching(/^flash\./)]);
      expect(await (await page()).text()).toContain("Invalid username or password");
      expect(client.cookies()).toEqual([]);
      expect(await (await page()).text()).not.toContain("Invalid username or password");
      await expect
        .poll(() => dev.output(), { timeout: 5_000 })
        .toContain("flashkit: no secret given, so a random one was made");
    });
  }, 240_000);
});

describe.skipIf(!run)("examples/nuxt in Chromium", () => {
  const { tab, url, messages, flashCookies } = useExampleBrowser({
    start: async () => {
      await buildNuxt(NUXT_APPS.example);
      return startNuxt(NUXT_APPS.example, { env: { FLASH_SECRET: SECRET } });
    },
    timeout: NUXT_BUILD_TIMEOUT,
  });
  /** The requests the tab made to the module's endpoint. */
  let endpointReads: string[];
  beforeEach(() => {
    endpointReads = [];
    tab.on("request", (request: Request) => {
      if (new URL(request.url()).pathname === "/_flashkit/messages") endpointReads.push(request.url());
    });
  });

  /** Waits until Nuxt has hydrated the page (NuxtLink navigates client-side only then). */
  const hydrated = () =>
    tab.waitForFunction(() => (document.querySelector("#__nuxt") as { __vue_app__?: unknown } | null)?.__vue_app__);

  it("login with a wrong password: the error shows once, hydrated without a second request, and is gone on reload", async () => {
    await tab.goto(url("/login"));
    await tab.fill("[name=username]", "admin");
    await tab.fill("[name=password]", "wrong");
    await Promise.all([tab.waitForURL(url("/login")), tab.click("button[type=submit]")]);
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["danger", "Error: Invalid username or password"]]);
    expect(await tab.getAttribute("[data-flash-message]", "class")).toContain("alert-danger");
    expect(await flashCookies()).toEqual([]);
    await hydrated();
    await tab.waitForLoadState("networkidle");
    expect(await messages()).toHaveLength(1);
    expect(endpointReads).toEqual([]);
    await tab.reload();
    await tab.waitForLoadState("networkidle");
    expect(await messages()).toEqual([]);
  });

  it("update profile: the success shows once; client-side navigation, back and forward do not bring it back", async () => {
    await tab.goto(url("/profile"));
    await Promise.all([tab.waitForURL(url("/profile")), tab.click("button[type=submit]")]);
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["success", "Success: Profile updated successfully!"]]);
    expect(await flashCookies()).toEqual([]);
    await hydrated();
    await tab.evaluate(() => Object.assign(window, { samePage: true }));
    await tab.click("a.navbar-brand");
    await tab.waitForURL(url("/"));
    await tab.waitForSelector("h1:text('flashkit + Nuxt')");
    await expect.poll(messages).toEqual([]);
    await tab.goBack();
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("h1:text('Profile')");
    await tab.waitForLoadState("networkidle");
    expect(await messages()).toEqual([]);
    await tab.goForward();
    await tab.waitForURL(url("/"));
    await tab.waitForSelector("h1:text('flashkit + Nuxt')");
    await tab.waitForLoadState("networkidle");
    expect(await messages()).toEqual([]);
    expect(await tab.evaluate(() => (window as { samePage?: boolean }).samePage)).toBe(true);
    await tab.reload();
    expect(await messages()).toEqual([]);
  });

  it("a server route's message shows after navigateTo(), without a page load, once", async () => {
    await tab.goto(url("/"));
    await hydrated();
    await tab.evaluate(() => Object.assign(window, { samePage: true }));
    await tab.click("text=Ping, then go to the profile");
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["info", "Info: Pong from a server route"]]);
    expect(await tab.evaluate(() => (window as { samePage?: boolean }).samePage)).toBe(true);
    expect(await flashCookies()).toEqual([]);
    expect(endpointReads).toHaveLength(1);
    await tab.click("nav >> text=Log in");
    await tab.waitForURL(url("/login"));
    await tab.waitForLoadState("networkidle");
    expect(await messages()).toEqual([]);
  });

  it("NuxtLink's prefetches (on visibility and on hover) consume nothing; the navigation after them shows the message once", async () => {
    await tab.goto(url("/"));
    await hydrated();
    await tab.waitForLoadState("networkidle");
    expect((await tab.request.post(url("/api/ping"))).ok()).toBe(true);
    expect(await flashCookies()).toHaveLength(1);
    const prefetches: string[] = [];
    tab.on("request", (request: Request) => prefetches.push(new URL(request.url()).pathname));
    await tab.hover("nav >> text=Profile");
    await tab.hover("nav >> text=Log in");
    await tab.waitForLoadState("networkidle");
    await tab.waitForTimeout(300);
    expect(await flashCookies()).toHaveLength(1);
    expect(await messages()).toEqual([]);
    expect(endpointReads).toEqual([]);
    console.log(`examples/nuxt: requests while hovering the links: ${prefetches.join(", ") || "none"}`);
    // What NuxtLink fetched ahead is code (the page's chunk), never a page or the messages.
    expect(prefetches.filter((path) => !path.startsWith("/_nuxt/"))).toEqual([]);
    await tab.click("nav >> text=Profile");
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["info", "Info: Pong from a server route"]]);
    expect(await flashCookies()).toEqual([]);
    expect(endpointReads).toHaveLength(1);
  });

  it("a browser prefetch of a page (Sec-Purpose: prefetch) and a HEAD consume nothing", async () => {
    await tab.goto(url("/"));
    expect((await tab.request.post(url("/api/ping"))).ok()).toBe(true);
    const prefetched = await tab.request.get(url("/profile"), { headers: { "sec-purpose": "prefetch" } });
    expect(await prefetched.text()).toContain("Pong from a server route");
    expect((await tab.request.head(url("/profile"))).ok()).toBe(true);
    expect(await flashCookies()).toHaveLength(1);
    await tab.goto(url("/profile"));
    expect(await messages()).toEqual([["info", "Info: Pong from a server route"]]);
    expect(await flashCookies()).toEqual([]);
  });
});
