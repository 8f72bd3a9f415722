/**
 * examples/astro (flashkit/astro on Astro 5, the Node adapter's standalone server) built as a user
 * would, without FLASH_SECRET, then driven in Chromium: the seed tutorial's two flows (a form post
 * handled in the page, an Astro Action as the form's action), `<ClientRouter />` navigations, back
 * and forward, an API route's and an `actions.hello()` call's message after `navigate()`, and
 * Astro's prefetch, which consumes nothing while the navigation after it consumes once. Then the
 * built server without a secret.
 */
import type { Request } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createBrowserClient } from "../../src/testing/index.js";
import { ASTRO_APPS, ASTRO_BUILD_TIMEOUT, buildAstro, startAstro } from "../astro-server.js";
import { hasChromium } from "./chromium.js";
import { useExampleBrowser } from "./example-browser.js";

const SECRET = "astro-example-secret-0123456789-0123456789";
const run = hasChromium();

beforeAll(async () => {
  const seconds = await buildAstro(ASTRO_APPS.example, { env: { FLASH_SECRET: undefined } });
  console.log(`examples/astro: astro build ${seconds ? `${seconds.toFixed(1)} s` : "up to date"} (no FLASH_SECRET)`);
}, ASTRO_BUILD_TIMEOUT);

describe.skipIf(!run)("examples/astro in Chromium", () => {
  const { server, tab, url, messages, flashCookies } = useExampleBrowser({
    start: () => startAstro(ASTRO_APPS.example, { env: { FLASH_SECRET: SECRET } }),
  });

  /** Marks the document, to tell a ClientRouter navigation (same document) from a page load. */
  const markDocument = () => tab.evaluate(() => Object.assign(window, { samePage: true }));
  const sameDocument = () => tab.evaluate(() => (window as { samePage?: boolean }).samePage === true);
  const heading = (text: string) => tab.waitForSelector(`h1:text('${text}')`);

  it("login with a wrong password (a form post handled in the page): the error shows once, gone on reload", async () => {
    await tab.goto(url("/login"));
    await markDocument();
    await tab.fill("[name=username]", "admin");
    await tab.fill("[name=password]", "wrong");
    await tab.click("button[type=submit]");
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["danger", "Error: Invalid username or password"]]);
    // The ClientRouter posted the form with fetch() and followed the redirect: one document.
    expect(await sameDocument()).toBe(true);
    expect(await tab.getAttribute("[data-flash-message]", "class")).toContain("alert-danger");
    expect(await flashCookies()).toEqual([]);
    await tab.reload();
    await heading("Log in");
    expect(await messages()).toEqual([]);
  });

  it("update profile (an Astro Action): the success shows once; ClientRouter navigation, back and forward do not bring it back", async () => {
    await tab.goto(url("/profile"));
    await markDocument();
    await tab.click("button[type=submit]");
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["success", "Success: Profile updated successfully!"]]);
    expect(await flashCookies()).toEqual([]);
    await tab.click("a.navbar-brand");
    await tab.waitForURL(url("/"));
    await heading("flashkit + Astro");
    expect(await messages()).toEqual([]);
    await tab.goBack();
    await tab.waitForURL(url("/profile"));
    await heading("Profile");
    expect(await messages()).toEqual([]);
    await tab.goForward();
    await tab.waitForURL(url("/"));
    await heading("flashkit + Astro");
    expect(await messages()).toEqual([]);
    // The ClientRouter handled the post and every navigation: one document throughout.
    expect(await sameDocument()).toBe(true);
    await tab.reload();
    expect(await messages()).toEqual([]);
  });

  it("an API route's message shows after navigate(), once, without a page load", async () => {
    await tab.goto(url("/"));
    await markDocument();
    await tab.click("text=Ping, then go to the profile");
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["info", "Info: Pong from an API route"]]);
    expect(await sameDocument()).toBe(true);
    expect(await flashCookies()).toEqual([]);
    await tab.click("a.navbar-brand");
    await heading("flashkit + Astro");
    expect(await messages()).toEqual([]);
  });

  it("an action called from a script (actions.hello()) flashes; the next page shows it once", async () => {
    await tab.goto(url("/"));
    await markDocument();
    await tab.click("text=Say hello, then go to the profile");
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["info", "Info: Hello from an action"]]);
    expect(await sameDocument()).toBe(true);
    expect(await flashCookies()).toEqual([]);
  });

  it("Astro's prefetch (<link rel=prefetch>: Sec-Purpose: prefetch) consumes nothing; the navigation after it consumes once", async () => {
    await tab.goto(url("/"));
    await tab.waitForLoadState("networkidle");
    expect((await tab.request.post(url("/api/ping"), { headers: { origin: server.url } })).ok()).toBe(true);
    expect(await flashCookies()).toHaveLength(1);
    const prefetches: Request[] = [];
    tab.on("request", (request) => {
      if (request.url().includes("/profile")) prefetches.push(request);
    });

    // prefetch() from a script.
    const scripted = tab.waitForResponse((response) => response.url().includes("/profile?p="));
    await tab.click("text=Prefetch the profile");
    const scriptedResponse = await scripted;
    expect(scriptedResponse.ok()).toBe(true);
    expect((await scriptedResponse.request().allHeaders())["sec-purpose"]).toBe("prefetch");
    expect(await scriptedResponse.headerValue("cache-control")).toBe("no-store");
    expect(await flashCookies()).toHaveLength(1);

    // data-astro-prefetch="hover" on the navbar's link, then a click on it: a ClientRouter navigation.
    const hovered = tab.waitForResponse((response) => new URL(response.url()).pathname === "/profile");
    await tab.hover("nav >> text=Profile");
    const hoveredResponse = await hovered;
    expect((await hoveredResponse.request().allHeaders())["sec-purpose"]).toBe("prefetch");
    expect(await flashCookies()).toHaveLength(1);
    expect(await messages()).toEqual([]);

    await markDocument();
    await tab.click("nav >> text=Profile");
    await tab.waitForURL(url("/profile"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await messages()).toEqual([["info", "Info: Pong from an API route"]]);
    expect(await sameDocument()).toBe(true);
    expect(await flashCookies()).toEqual([]);
    // The navigation reached the server as a plain fetch() (no Sec-Purpose), not as the prefetched copy.
    const sent = await Promise.all(
      prefetches
        .filter((request) => new URL(request.url()).pathname === "/profile" && new URL(request.url()).search === "")
        .map((request) => request.allHeaders()),
    );
    expect(sent.map((headers) => [headers["sec-purpose"], headers["sec-fetch-dest"]])).toEqual([
      ["prefetch", "empty"],
      [undefined, "empty"],
    ]);
    await tab.click("a.navbar-brand");
    await heading("flashkit + Astro");
    expect(await messages()).toEqual([]);
  });

  it("a page load after a hover prefetch (data-astro-reload) shows the message once: the prefetched copy is not reused", async () => {
    await tab.goto(url("/"));
    await tab.waitForLoadState("networkidle");
    expect((await tab.request.post(url("/api/ping"), { headers: { origin: server.url } })).ok()).toBe(true);
    const hovered = tab.waitForResponse((response) => response.url().endsWith("/login?reload"));
    await tab.hover("text=Log in with a full page load");
    expect((await (await hovered).request().allHeaders())["sec-purpose"]).toBe("prefetch");
    expect(await flashCookies()).toHaveLength(1);
    await markDocument();
    await tab.click("text=Log in with a full page load");
    await tab.waitForURL(url("/login?reload"));
    await heading("Log in");
    expect(await sameDocument()).toBe(false);
    expect(await messages()).toEqual([["info", "Info: Pong from an API route"]]);
    expect(await flashCookies()).toEqual([]);
    await tab.click("a.navbar-brand");
    await heading("flashkit + Astro");
    expect(await messages()).toEqual([]);
  });
});

describe("examples/astro's built server", () => {
  it("without FLASH_SECRET, fails the first request with a message saying what to set", async () => {
    const server = await startAstro(ASTRO_APPS.example, { env: { FLASH_SECRET: undefined, NODE_ENV: undefined } });
    try {
      const response = await fetch(`${server.url}/`);
      expect(response.status).toBe(500);
      await response.body?.cancel();
      await expect
        .poll(() => server.output())
        .toMatch(/flashkit\/astro needs a secret on a built server: set FLASH_SECRET/);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe("examples/astro under astro dev", () => {
  it("flashes and shows once without FLASH_SECRET (a random secret, with a warning)", async () => {
    const server = await startAstro(ASTRO_APPS.example, { mode: "dev", env: { FLASH_SECRET: undefined } });
    try {
      const client = createBrowserClient(server.url);
      const ping = await client.fetch("/api/ping", { method: "POST", headers: { origin: server.url } });
      expect(ping.ok).toBe(true);
      expect(await (await client.fetch("/profile")).text()).toContain("Pong from an API route");
      expect(await (await client.fetch("/profile")).text()).not.toContain("Pong from an API route");
      expect(server.output()).toContain("flashkit: no secret given");
    } finally {
      await server.close();
    }
  }, 120_000);
});
