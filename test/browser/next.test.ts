/**
 * examples/next (flashkit/next on Next.js 16) built as a user would, without FLASH_SECRET, and run
 * three ways: the standalone build's server.js driven in Chromium (the seed tutorial's two flows
 * through server actions, a route handler's message after `router.push`, a prefetch, back and
 * forward), `next start` (the secret checked on the first request), and `next dev`.
 */
import { describe, expect, it } from "vitest";
import { createBrowserClient } from "../../src/testing/index.js";
import { buildNext, NEXT_APPS, NEXT_BUILD_TIMEOUT, startNext } from "../next-server.js";
import { hasChromium } from "./chromium.js";
import { useExampleBrowser } from "./example-browser.js";

const SECRET = "next-example-secret-0123456789-0123456789";
const run = hasChromium();

it(
  "next build succeeds with no FLASH_SECRET (standalone output)",
  async () => {
    const seconds = await buildNext(NEXT_APPS.example, { standalone: true, env: { FLASH_SECRET: undefined } });
    console.log(`examples/next: standalone build ${seconds ? `${seconds.toFixed(1)} s` : "up to date"}`);
  },
  NEXT_BUILD_TIMEOUT,
);

describe.skipIf(!run)("examples/next in Chromium, standalone server.js", () => {
  const { tab, url, messages, flashCookies, consumed } = useExampleBrowser({
    start: () => startNext(NEXT_APPS.example, { mode: "standalone", env: { FLASH_SECRET: SECRET } }),
  });

  it("login with a wrong password: the error shows once, and is gone on reload", async () => {
    await tab.goto(url("/login"));
    await tab.fill("[name=username]", "admin");
    await tab.fill("[name=password]", "wrong");
    await tab.click("button[type=submit]");
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["danger", "Error: Invalid username or password"]]);
    expect(await tab.getAttribute("[data-flash-message]", "class")).toContain("alert-danger");
    await consumed();
    expect(await messages()).toHaveLength(1);
    await tab.reload();
    expect(await messages()).toEqual([]);
  });

  it("update profile: the success shows once; client-side navigation, back and forward do not bring it back", async () => {
    await tab.goto(url("/profile"));
    await tab.click("button[type=submit]");
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["success", "Success: Profile updated successfully!"]]);
    await consumed();
    await tab.click("a.navbar-brand");
    await tab.waitForURL(url("/"));
    await tab.waitForSelector("h1:text('flashkit + Next.js')");
    expect(await messages()).toEqual([]);
    await tab.goBack();
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("h1:text('Profile')");
    expect(await messages()).toEqual([]);
    await tab.goForward();
    await tab.waitForURL(url("/"));
    await tab.waitForSelector("h1:text('flashkit + Next.js')");
    expect(await messages()).toEqual([]);
    await tab.reload();
    expect(await messages()).toEqual([]);
  });

  it("a route handler's message shows after router.push, without a page load", async () => {
    await tab.goto(url("/"));
    await tab.evaluate(() => Object.assign(window, { samePage: true }));
    await tab.click("text=Ping, then go to the profile");
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["info", "Info: Pong from a route handler"]]);
    expect(await tab.evaluate(() => (window as { samePage?: boolean }).samePage)).toBe(true);
    await consumed();
  });

  it("a prefetch (router.prefetch, <Link prefetch>) consumes nothing; the navigation after it shows the message", async () => {
    await tab.goto(url("/"));
    await tab.waitForLoadState("networkidle");
    expect((await tab.request.post(url("/api/ping"))).ok()).toBe(true);
    expect(await flashCookies()).toHaveLength(1);
    const prefetched = tab.waitForResponse(
      (response) =>
        response.url().includes("/profile?p=") && response.request().headers()["next-router-prefetch"] === "1",
    );
    await tab.click("text=Prefetch the profile");
    expect((await prefetched).ok()).toBe(true);
    await tab.waitForLoadState("networkidle");
    expect(await flashCookies()).toHaveLength(1);
    expect(await messages()).toEqual([]);
    await tab.click("nav >> text=Profile");
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["info", "Info: Pong from a route handler"]]);
    await consumed();
  });
});

describe.skipIf(!run)("flashkit/next in Chromium, the messages in a root layout without the @flash slot", () => {
  const { server, context, tab } = useExampleBrowser({
    start: async () => {
      await buildNext(NEXT_APPS.conformance);
      return startNext(NEXT_APPS.conformance, { env: { FLASH_SECRET: SECRET } });
    },
    timeout: NEXT_BUILD_TIMEOUT,
  });

  it("a client-side navigation with messages pending becomes a page load that shows them once", async () => {
    await tab.goto(`${server.url}/pages/a`);
    await tab.evaluate(() => Object.assign(window, { samePage: true }));
    await tab.click("text=Flash, then go to page B");
    await tab.waitForURL(`${server.url}/pages/b`);
    await tab.waitForSelector("[data-flash-message]");
    expect(await tab.textContent("[data-flash-message]")).toContain("From a route handler");
    expect(await tab.evaluate(() => (window as { samePage?: boolean }).samePage)).toBeUndefined();
    expect((await context.cookies()).filter((cookie) => cookie.name.startsWith("flash."))).toEqual([]);
    await tab.reload();
    expect(await tab.$$("[data-flash-message]")).toEqual([]);
  });
});

/** A route handler flashes; the next page load shows the message once and expires its cookie. */
async function pingThenPage(base: string): Promise<void> {
  const browser = createBrowserClient(base);
  const page = () => browser.fetch("/", { headers: { accept: "text/html", "sec-fetch-dest": "document" } });
  expect((await browser.fetch("/api/ping", { method: "POST" })).status).toBe(200);
  expect(browser.cookies().map((cookie) => cookie.name)).toEqual([expect.stringMatching(/^flash\./)]);
  const shown = await page();
  expect(shown.status).toBe(200);
  expect(await shown.text()).toContain("Pong from a route handler");
  expect(browser.cookies()).toEqual([]);
  expect(await (await page()).text()).not.toContain("Pong from a route handler");
}

describe("examples/next with next start", () => {
  it("flashes from a route handler and shows the message once", async () => {
    const server = await startNext(NEXT_APPS.example, { env: { FLASH_SECRET: SECRET } });
    try {
      await pingThenPage(server.url);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("without FLASH_SECRET, fails the first request that needs it with a message saying what to set", async () => {
    const server = await startNext(NEXT_APPS.example, { env: { FLASH_SECRET: undefined } });
    try {
      const response = await fetch(`${server.url}/`, { headers: { accept: "text/html" } });
      expect(response.status).toBe(500);
      await response.body?.cancel();
      await expect.poll(() => server.output()).toMatch(/flashkit needs a secret in production: set `secret`/);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe("examples/next with next dev", () => {
  it("flashes and shows once without FLASH_SECRET (one random secret for the proxy and the routes)", async () => {
    const server = await startNext(NEXT_APPS.example, { mode: "dev", env: { FLASH_SECRET: undefined } });
    try {
      await pingThenPage(server.url);
      expect(server.output()).toContain("flashkit/next: no FLASH_SECRET");
    } finally {
      await server.close();
    }
  }, 240_000);
});
