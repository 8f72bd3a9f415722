/**
 * flashkit/client on alerts written by hand with the Flask tutorials' markup (Bootstrap's
 * `alert-dismissible` with `btn-close`/`close`, no flashkit attributes and no container), in
 * Chromium: Escape closes the alert that holds focus, a click on its close button does too with
 * Bootstrap 5's own JS on the page, and focus moves to the next alert, else the previous, else their
 * parent: never to `<body>`. An alert that is not dismissible stays.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium } from "./chromium.js";
import { page as html, type PageOptions, startTestServer, type TestServer } from "./server.js";

const run = hasChromium();

/** The Flask tutorial's Bootstrap 5 alerts, as its Jinja template writes them. */
const bootstrap5 = (text: string, level = "info") =>
  `<div class="alert alert-${level} alert-dismissible fade show" role="alert">${text}` +
  `<button type="button" class="btn-close" data-bs-dismiss="alert" aria-label="Close"></button></div>`;
/** The Bootstrap 4 tutorials' alerts. */
const bootstrap4 = (text: string) =>
  `<div class="alert alert-warning alert-dismissible fade show" role="alert">${text}` +
  `<button type="button" class="close" data-dismiss="alert" aria-label="Close"><span aria-hidden="true">&times;</span></button></div>`;

describe.skipIf(!run)("flashkit/client on hand-written Bootstrap alerts", () => {
  let browser: Browser;
  let server: TestServer;
  let tab: Page;
  let n = 0;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
    tab = await browser.newPage();
    tab.setDefaultTimeout(5000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page whose only messages are `body`'s hand-written alerts, inside `<section id="flashes">`. */
  async function open(body: string, options: PageOptions = {}): Promise<void> {
    await tab.goto(server.add(`hand-${++n}`, html({ ...options, body: `<section id="flashes">${body}</section>` })));
  }
  const texts = () => tab.$$eval("#flashes .alert", (list) => list.map((a) => a.textContent!.replace("×", "").trim()));
  const focused = () =>
    tab.evaluate(() => {
      const el = document.activeElement!;
      if (el === document.body) return "BODY";
      return el.matches(".alert") ? el.textContent!.replace("×", "").trim() : el.id || el.tagName;
    });
  const gone = (count: number) =>
    tab.waitForFunction((c) => document.querySelectorAll("#flashes .alert").length === c, count);

  it("Bootstrap 5 with its own JS: click and Escape close, focus goes next, previous, then to the parent", async () => {
    await open(bootstrap5("one") + bootstrap5("two") + bootstrap5("three"), { bootstrapJs: true });
    const closed = tab.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let count = 0;
          document.addEventListener("flash:closed", () => {
            if (++count === 3) resolve(count);
          });
        }),
    );
    await tab.click("#flashes .alert:nth-child(2) .btn-close"); // Bootstrap's click handler sees it first
    await gone(2);
    expect(await texts()).toEqual(["one", "three"]);
    expect(await focused()).toBe("three");
    await tab.keyboard.press("Escape"); // focus is on the alert itself
    await gone(1);
    expect(await focused()).toBe("one"); // no next: the previous
    await tab.focus("#flashes .btn-close");
    await tab.keyboard.press("Escape");
    await gone(0);
    expect(await focused()).toBe("flashes"); // none left: their parent, never <body>
    expect(await closed).toBe(3); // each closed once, by this script
  });

  it("Bootstrap 5 markup without Bootstrap's JS: Escape closes, focus stays off <body>", async () => {
    await open(bootstrap5("only", "danger"));
    await tab.focus("#flashes .btn-close");
    await tab.keyboard.press("Escape");
    await gone(0);
    expect(await focused()).toBe("flashes");
  });

  it("Bootstrap 4 markup (close, data-dismiss): Escape closes, focus goes to the next", async () => {
    await open(bootstrap4("first") + bootstrap4("second"), { theme: "bootstrap4" });
    await tab.focus("#flashes .close");
    await tab.keyboard.press("Escape");
    await gone(1);
    expect(await focused()).toBe("second");
  });

  it("leaves an alert that is not dismissible, and Escape outside any alert, alone", async () => {
    await open(
      `<div class="alert alert-info" role="status"><a href="#x" id="inside">a link</a></div>${bootstrap5("kept")}`,
    );
    await tab.focus("#inside");
    await tab.keyboard.press("Escape");
    await tab.focus("#after");
    await tab.keyboard.press("Escape");
    await tab.waitForTimeout(200);
    expect(await texts()).toEqual(["a link", "kept"]);
  });
});
