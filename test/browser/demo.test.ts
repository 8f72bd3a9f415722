/**
 * The demo (examples/demo) in Chromium: the partial-page demo flashes through fetch, htmx (HX-Trigger
 * and out of band) and Turbo with the client script the demo serves from dist/client, the theme
 * switcher changes the markup, and Escape closes a message. Needs the build (`npm run build`),
 * as the demo imports the package by name.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApp } from "../../examples/demo/app.js";
import { startServer } from "../../src/testing/index.js";
import { hasChromium, launchChromium } from "./chromium.js";

const run = hasChromium();

describe.skipIf(!run)("the demo in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let tab: Page;

  beforeAll(async () => {
    const app = createDemoApp({ secret: "demo-browser-secret-0123456789-0123456789" });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    tab = await browser.newPage();
    tab.setDefaultTimeout(5000);
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const texts = () =>
    tab.$$eval("[data-flash-message]", (list) =>
      list.map((m) => m.textContent!.replace(/\s+/g, " ").replace("×", "").trim()),
    );

  it("flashes through fetch, htmx and Turbo on the partial-page demo, in the chosen theme", async () => {
    await tab.goto(`${base}/partial`);
    await tab.check("#keep"); // the page-wide switch: nothing disappears while the test looks
    await tab.click("#fetch-save");
    await tab.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 1);
    await tab.click("text=Save with htmx");
    await tab.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 2);
    await tab.click("text=Save with Turbo");
    await tab.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 3);
    expect(await texts()).toEqual([
      "Success: Saved through fetch: Größe ✓ café",
      "Info: Sent by htmx in HX-Trigger",
      "Success: Appended by a Turbo stream",
    ]);
    await tab.focus("[data-flash-message] [data-flash-close]");
    await tab.keyboard.press("Escape");
    await tab.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 2);

    // The theme applies on the button, not on change: arrow keys in the list must not navigate away.
    await tab.selectOption("#theme", "plain");
    await tab.click('form[action="/theme"] button[type="submit"]');
    await tab.waitForSelector('#flash-messages[data-flash-theme="plain"]', { state: "attached" });
    await tab.waitForLoadState("load");
    await tab.click("#fetch-save");
    await tab.waitForSelector(".flash.flash-success");
    // Out of band, htmx appends: the message already there stays.
    await tab.click('button:has-text("Out of band")');
    await tab.waitForSelector(".flash.flash-warning");
    expect(await texts()).toEqual([
      "Success: Saved through fetch: Größe ✓ café",
      "Warning: Appended out of band by htmx",
    ]);
    expect(await tab.getAttribute("#theme", "name")).toBe("theme");
  });

  it("refuses a form that another origin's page posts to the playground (Chromium's own Origin and Sec-Fetch-Site), and flashes nothing", async () => {
    await tab.goto(`${base}/playground`); // the victim holds the demo's cookies
    // Another port of the same host: the same site, so the browser sends the demo's SameSite=Lax cookies along.
    const evil = await startServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<form id="f" method="post" action="${base}/playground"><input name="message" value="Forged by another origin">` +
          '<input name="category" value="error"></form><script>document.getElementById("f").submit()</script>',
      );
    });
    try {
      const posted = tab.waitForResponse((r) => r.url() === `${base}/playground` && r.request().method() === "POST");
      await tab.goto(evil.url);
      const response = await posted;
      expect(response.status()).toBe(403);
      expect((await response.request().allHeaders())["sec-fetch-site"]).toBe("same-site");
      await tab.goto(`${base}/playground`);
      expect(await tab.content()).not.toContain("Forged by another origin");
      // The playground's own form, submitted in the same browser, still works.
      await tab.fill("#message", "Sent from the playground");
      await tab.click('form[action="/playground"] button[type="submit"]');
      await tab.waitForSelector("[data-flash-message]");
      expect(await texts()).toEqual(["Success: Sent from the playground"]);
    } finally {
      await evil.close();
    }
  });
});
