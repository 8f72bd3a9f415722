/**
 * examples/sveltekit in Chromium: built with adapter-node (when its files or dist/ changed), served by
 * its handler with NODE_ENV=production, and driven as a user would. The seed tutorial's two flows
 * through `use:enhance` posts (a `fail()` and a redirect) each show their message once; reload,
 * back/forward and client-side navigation never bring it back; a redirect thrown from a layout load
 * carries its message; a hover preload (`data-sveltekit-preload-data="hover"`) and `preloadData()`
 * consume nothing. Needs the build (`npm run build`): the example imports flashkit by name.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Request as PlaywrightRequest } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSvelteKit, SVELTEKIT_APPS, SVELTEKIT_BUILD_TIMEOUT, startSvelteKit } from "../sveltekit-server.js";
import { hasChromium } from "./chromium.js";
import { useExampleBrowser } from "./example-browser.js";

const run = hasChromium();
const SECRET = "sveltekit-example-secret-0123456789-0123456";
const TSC = fileURLToPath(new URL("../../node_modules/.bin/tsc", import.meta.url));

describe("examples/sveltekit", () => {
  it(
    "type-checks under strict (its .ts modules, against the built package and SvelteKit's generated types)",
    async () => {
      await buildSvelteKit(SVELTEKIT_APPS.example);
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(TSC, ["-p", "tsconfig.json", "--noEmit"], { cwd: SVELTEKIT_APPS.example });
        let text = "";
        child.stdout.on("data", (chunk) => (text += chunk));
        child.stderr.on("data", (chunk) => (text += chunk));
        child.once("exit", (code) =>
          code === 0 ? resolve(text) : reject(new Error(`tsc exited with ${code}:\n${text}`)),
        );
      });
      expect(output).toBe("");
    },
    SVELTEKIT_BUILD_TIMEOUT,
  );
});

describe.skipIf(!run)("examples/sveltekit in Chromium", () => {
  const { context, tab, url, shown, flashCookies, consumed } = useExampleBrowser({
    start: async () => {
      const seconds = await buildSvelteKit(SVELTEKIT_APPS.example);
      console.log(`examples/sveltekit: vite build took ${seconds.toFixed(1)} s (0 when the cached build is current)`);
      return startSvelteKit(SVELTEKIT_APPS.example, { FLASH_SECRET: SECRET });
    },
    timeout: SVELTEKIT_BUILD_TIMEOUT,
    tabs: "shared",
    tidyText: true,
    serverCookiesOnly: true,
    consumedTimeout: 5_000,
  });
  /** The requests the page made to the app, in order. */
  const requests: PlaywrightRequest[] = [];
  beforeAll(() => {
    tab.on("request", (request) => {
      if (request.url().startsWith(url(""))) requests.push(request);
    });
  });

  /** The example's root layout marks <html data-hydrated> once mounted. */
  const hydrated = () => tab.waitForSelector("html[data-hydrated]", { state: "attached" });
  const since = (mark: number) => requests.slice(mark).map((r) => `${r.method()} ${new URL(r.url()).pathname}`);

  it("a wrong password: the error shows once, through use:enhance and fail(), and is gone on reload", async () => {
    await tab.goto(url("/login"));
    await hydrated();
    expect(await shown()).toEqual([]);
    const mark = requests.length;
    await tab.fill("#username", "admin");
    await tab.fill("#password", "wrong");
    await tab.click('button[type="submit"]');
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["danger: Error: Invalid username or password"]);
    // No document request: the action's fail() came back as JSON and the store read what it flashed.
    expect(since(mark)).toEqual(["POST /login", "POST /_flashkit"]);
    await consumed();
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });

  it("an updated profile: the success shows once; reload, back, forward and navigation do not bring it back", async () => {
    await tab.goto(url("/"));
    await hydrated();
    await tab.click('nav a[href="/profile"]');
    await tab.waitForSelector("#name");
    await tab.fill("#name", "Ada");
    const mark = requests.length;
    await tab.click('button[type="submit"]');
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["success: Success: Profile updated successfully!"]);
    // The action's redirect, the navigation's data (which consumes nothing), the store's confirmation.
    expect(since(mark)).toEqual(["POST /profile", "GET /profile/__data.json", "POST /_flashkit"]);
    await consumed();

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
    expect(await shown()).toEqual([]);
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });

  it("a message flashed by a plain form post (no JavaScript) shows on the next document, once", async () => {
    await tab.goto(url("/profile"));
    await hydrated();
    await tab.evaluate(() => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = "/profile";
      form.innerHTML = '<input name="name" value="Grace">';
      document.body.append(form);
      HTMLFormElement.prototype.submit.call(form);
    });
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["success: Success: Profile updated successfully!"]);
    expect(await flashCookies()).toEqual([]);
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });

  it("a redirect thrown from a layout load carries its message, by document and by client-side navigation", async () => {
    await context.clearCookies();
    await tab.goto(url("/admin"));
    await hydrated();
    expect(new URL(tab.url()).pathname).toBe("/login");
    expect(await shown()).toEqual(["warning: Warning: Please log in to see the admin page."]);
    expect(await flashCookies()).toEqual([]);

    await tab.goto(url("/"));
    await hydrated();
    expect(await shown()).toEqual([]);
    const mark = requests.length;
    await tab.click('nav a[href="/admin"]');
    await tab.waitForURL(url("/login"));
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["warning: Warning: Please log in to see the admin page."]);
    expect(since(mark)).toContain("GET /admin/__data.json");
    expect(since(mark)).not.toContain("GET /admin");
    await consumed();
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });

  it("a hover preload and preloadData() consume nothing; the navigation that shows the message consumes it", async () => {
    await tab.goto(url("/"));
    await hydrated();
    // Flash without reading: the action's redirect is not followed.
    await tab.evaluate(() =>
      fetch("/profile", { method: "POST", body: new URLSearchParams({ name: "Grace" }), redirect: "manual" }),
    );
    expect(await flashCookies()).toHaveLength(1);

    const preloaded = tab.waitForRequest((r) => r.url().startsWith(url("/login/__data.json")));
    await tab.hover('nav a[href="/login"]');
    const preload = await preloaded;
    expect((await preload.response())?.status()).toBe(200);
    const headers = await preload.allHeaders();
    // On the wire a preload is a plain GET of __data.json: nothing tells it from a navigation's.
    console.log(`examples/sveltekit: a hover preload sends ${JSON.stringify(headers)}`);
    expect(headers["sec-purpose"] ?? headers.purpose).toBeUndefined();
    expect(await flashCookies()).toHaveLength(1);

    // preloadData() from code, for another page: still nothing consumed.
    const profileData = tab.waitForResponse((r) => r.url().startsWith(url("/profile/__data.json")));
    await tab.click("#preload-profile");
    expect((await profileData).status()).toBe(200);
    expect(await flashCookies()).toHaveLength(1);
    expect(await shown()).toEqual([]);

    await tab.click('nav a[href="/login"]');
    await tab.waitForSelector("#username");
    await tab.waitForSelector("[data-flash-message]");
    expect(await shown()).toEqual(["success: Success: Profile updated successfully!"]);
    await consumed();
    await tab.reload();
    await hydrated();
    expect(await shown()).toEqual([]);
  });
});
