/**
 * Long unbroken text in every theme, in Chromium at phone width: a 300-character word and a long
 * URL, rendered by flashkit/render (bootstrap5, bootstrap4, tailwind, plain with their own CSS) and
 * shown by the client script from data (`Flash.show`), wrap inside their alert: no message is
 * wider than the container, none has content wider than itself, and the page does not scroll
 * sideways.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium } from "./chromium.js";
import { page as html, type PageOptions, startTestServer, type TestServer } from "./server.js";

const run = hasChromium();
const THEMES = ["bootstrap5", "bootstrap4", "tailwind", "plain"] as const;
const LONG_WORD = "W".repeat(300);
const LONG_URL = `https://example.com/${"very-long-path-segment/".repeat(8)}?query=${"x".repeat(60)}`;

describe.skipIf(!run)("long unbroken text wraps inside the alert", () => {
  let browser: Browser;
  let server: TestServer;
  let tab: Page;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
    tab = await browser.newPage({ viewport: { width: 320, height: 640 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each(THEMES)("%s: rendered by the server and shown from data, at 320 px", async (theme) => {
    const options: PageOptions = {
      theme,
      messages: [
        ["error", LONG_WORD],
        ["info", LONG_URL],
      ],
      render: { showPrefix: true },
    };
    await tab.goto(server.add(`long-${theme}`, html(options)));
    await tab.evaluate((word) => {
      (window as unknown as { Flash: { show(m: object): unknown } }).Flash.show({ category: "warning", message: word });
    }, LONG_WORD);
    const measured = await tab.evaluate(() => {
      const box = document.querySelector("#flash-messages")!.getBoundingClientRect();
      return {
        page: document.documentElement.scrollWidth,
        messages: [...document.querySelectorAll<HTMLElement>("[data-flash-message]")].map((m) => {
          const rect = m.getBoundingClientRect();
          return {
            level: m.dataset.flashLevel,
            inside: rect.left >= box.left - 0.5 && rect.right <= box.right + 0.5,
            // Nothing in the message is wider than the message itself.
            fits: m.scrollWidth <= m.clientWidth,
            lines: Math.round(rect.height / 16),
          };
        }),
      };
    });
    expect(measured.page).toBeLessThanOrEqual(320);
    expect(measured.messages.map(({ level, inside, fits }) => ({ level, inside, fits }))).toEqual([
      { level: "danger", inside: true, fits: true },
      { level: "info", inside: true, fits: true },
      { level: "warning", inside: true, fits: true },
    ]);
    // Wrapped onto several lines rather than clipped.
    for (const m of measured.messages) expect(m.lines).toBeGreaterThan(3);
  });
});
