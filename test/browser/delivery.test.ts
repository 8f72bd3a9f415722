/**
 * Partial-page delivery in Chromium, against an Express app using flashkit/express and the
 * delivery helpers of flashkit/render: fetch with `X-Flash-Messages` + `Flash.fromResponse`, htmx
 * 2 with `HX-Trigger` and with out-of-band messages appended to the page's, Turbo 8 streams; a non-ASCII message
 * arrives intact and an `<img onerror>` message stays text. Also: a background request whose
 * handler never asks for messages consumes none, and a message inserted from data has the DOM of
 * the server's markup for each theme.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderFlashMessages } from "../../src/render/index.js";
import { hasChromium, launchChromium } from "./chromium.js";
import { page as html, NON_ASCII, NOT_MESSAGES, startTestServer, type TestServer } from "./server.js";

const run = hasChromium();

describe.skipIf(!run)("delivery to partial-page apps, in Chromium", () => {
  let browser: Browser;
  let server: TestServer;
  let tab: Page;
  let n = 0;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
    tab = await (await browser.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = (options: Parameters<typeof html>[0]) => tab.goto(server.add(`d${++n}`, html(options)));
  const texts = () =>
    tab.$$eval("[data-flash-message]", (list) =>
      list.map((m) => m.textContent!.replace(/\s+/g, " ").replace("×", "").trim()),
    );
  const announced = () =>
    tab.$$eval("body > [aria-live]", (list) => list.map((r) => [...r.children].map((c) => c.textContent)));

  it("fetch: Flash.fromResponse shows the X-Flash-Messages header, non-ASCII intact, markup inert", async () => {
    await open({});
    const shown = await tab.evaluate(async () => {
      const response = await fetch("/api/save", { method: "POST" });
      const flash = (window as unknown as { Flash: { fromResponse(r: Response): HTMLElement[] } }).Flash;
      return [response.headers.get("X-Flash-Messages"), flash.fromResponse(response).length] as const;
    });
    expect(shown[0]).toMatch(/^[\x20-\x7e]+$/); // ASCII on the wire
    expect(shown[1]).toBe(2);
    expect(await texts()).toEqual([`Success: ${NON_ASCII}`, "Error: <img src=x onerror=window.__xss=1>"]);
    expect(await tab.$$eval("#flash-messages img", (l) => l.length)).toBe(0);
    await tab.waitForTimeout(100);
    expect(await tab.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect.poll(announced).toEqual([[`Success: ${NON_ASCII}`], ["Error: <img src=x onerror=window.__xss=1>"]]);
    // A response without the header shows nothing.
    expect(
      await tab.evaluate(
        async () =>
          (window as unknown as { Flash: { fromResponse(r: Response): HTMLElement[] } }).Flash.fromResponse(
            await fetch("/api/ping"),
          ).length,
      ),
    ).toBe(0);
  });

  it("fetch and htmx: entries of X-Flash-Messages / HX-Trigger that are not messages show nothing, not empty alerts", async () => {
    await open({
      head: '<script src="/vendor/htmx.js"></script>',
      body: '<button id="go" hx-post="/htmx/not-messages" hx-swap="none">go</button>',
    });
    const shown = await tab.evaluate(async () => {
      const response = await fetch("/api/not-messages");
      const flash = (window as unknown as { Flash: { fromResponse(r: Response): HTMLElement[] } }).Flash;
      return [JSON.parse(response.headers.get("X-Flash-Messages")!).length, flash.fromResponse(response).length];
    });
    expect(shown).toEqual([NOT_MESSAGES.length, 1]);
    expect(await texts()).toEqual(["Warning: the one real message"]);
    await tab.click("#go");
    await expect.poll(texts).toEqual(["Warning: the one real message", "Warning: the one real message"]);
    await tab.waitForTimeout(100);
    expect(await texts()).toHaveLength(2);
  });

  it("a background request whose handler never asks for messages leaves the page's flash alone", async () => {
    await open({});
    await tab.evaluate(async () => {
      await fetch("/api/flash?message=For%20the%20next%20page&category=info", { method: "POST" });
      await fetch("/api/ping");
      await fetch("/api/ping");
    });
    await tab.goto(`${server.url}/flashes`);
    expect(await texts()).toEqual(["Info: For the next page"]);
  });

  it("htmx: HX-Trigger's flash event shows the messages", async () => {
    await open({
      head: '<script src="/vendor/htmx.js"></script>',
      body: '<button id="go" hx-post="/htmx/trigger" hx-swap="none">go</button>',
    });
    await tab.click("#go");
    await tab.waitForSelector("[data-flash-message]");
    expect(await texts()).toEqual([`Info: ${NON_ASCII}`]);
    await expect.poll(announced).toEqual([[`Info: ${NON_ASCII}`], []]);
  });

  it("htmx: out-of-band messages are appended after those on the page, announced once, closed and auto-dismissed", async () => {
    // A clock of its own: the appended success message auto-dismisses (the page opted in) in fake time.
    const context = await browser.newContext();
    await context.clock.install();
    const p = await context.newPage();
    try {
      await p.goto(
        server.add(
          `d${++n}`,
          html({
            theme: "tailwind",
            messages: [["error", "old"]],
            render: { autoDismiss: true },
            head: '<script src="/vendor/htmx.js"></script>',
            body: '<button id="go" hx-post="/htmx/oob?theme=tailwind" hx-target="#out">go</button><div id="out"></div>',
          }),
        ),
      );
      const list = () =>
        p.$$eval("#flash-messages > [data-flash-message]", (l) =>
          l.map((m) => [m.textContent!.replace(/\s+/g, " ").replace("×", "").trim(), m.checkVisibility()]),
        );
      await p.click("#go");
      await p.waitForSelector("#result");
      await p.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 3);
      // Appended to the page's container, after the message already there; all of them visible.
      expect(await list()).toEqual([
        ["Error: old", true],
        [`Warning: ${NON_ASCII}`, true],
        ["Success: Saved out of band", true],
      ]);
      expect(await p.$$eval("[data-flash-container]", (l) => l.length)).toBe(1);
      expect(await p.$$eval("[hx-swap-oob]", (l) => l.length)).toBe(0);
      // Announced once each (not the message that was on the page), and heard once: no role left.
      await p.clock.runFor(200);
      const announcedHere = () =>
        p.$$eval("body > [aria-live]", (l) => l.map((r) => [...r.children].map((c) => c.textContent)));
      expect(await announcedHere()).toEqual([[`Warning: ${NON_ASCII}`, "Success: Saved out of band"], []]);
      expect(await p.$$eval("[data-flash-message]", (l) => l.map((m) => m.getAttribute("role")))).toEqual([
        "alert",
        null,
        null,
      ]);
      // Only the success message auto-dismisses (after 6 s); the warning stays.
      await p.clock.runFor(6500);
      await p.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 2);
      expect((await list()).map(([text]) => text)).toEqual(["Error: old", `Warning: ${NON_ASCII}`]);
      // Escape closes the appended warning; focus goes to the message before it, never to body.
      await p.focus("#flash-messages [data-flash-level=warning] [data-flash-close]");
      await p.keyboard.press("Escape");
      await p.clock.runFor(1000);
      await p.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 1);
      expect(await p.evaluate(() => document.activeElement?.textContent?.replace(/\s+/g, " ").trim())).toMatch(
        /^Error: old/,
      );
      expect(await announcedHere()).toEqual([[`Warning: ${NON_ASCII}`, "Success: Saved out of band"], []]);
    } finally {
      await context.close();
    }
  });

  it("Turbo: a stream that appends to flash-messages shows and announces the message", async () => {
    await open({
      messages: [["info", "already here"]],
      head: '<script src="/vendor/turbo.js"></script>',
      body: '<form action="/turbo/save" method="post"><button id="go">save</button></form>',
    });
    await tab.click("#go");
    await tab.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 2);
    expect(await texts()).toEqual(["Info: already here", `Success: ${NON_ASCII}`]);
    await expect.poll(announced).toEqual([[`Success: ${NON_ASCII}`], []]);
  });

  it.each(["bootstrap5", "bootstrap4", "tailwind", "plain"] as const)(
    "a message shown from data has the DOM of the server's %s markup (less the role, moved to the live region)",
    async (theme) => {
      await open({ theme });
      for (const [category, message] of [
        ["success", "Saved <b>'x'</b> & \"y\""],
        ["error", NON_ASCII],
        ["dark", "d"],
      ] as const) {
        const serverHtml = renderFlashMessages([[category, message]], { theme, messageId: () => "same" });
        const same = await tab.evaluate(
          ([markup, data]) => {
            const flash = (window as unknown as { Flash: { show(o: object): HTMLElement } }).Flash;
            const shown = flash.show(data).cloneNode(true) as HTMLElement;
            const template = document.createElement("template");
            template.innerHTML = markup;
            const expected = template.content.querySelector("[data-flash-message]")!;
            const role = expected.getAttribute("role");
            expected.removeAttribute("role");
            shown.id = expected.id;
            return [shown.isEqualNode(expected), role, shown.outerHTML, expected.outerHTML];
          },
          [serverHtml, { category, message }] as const,
        );
        expect(same[2]).toBe(same[3]);
        expect(same[0]).toBe(true);
        expect(same[1]).toBe(category === "error" ? "alert" : "status");
      }
    },
  );
});
