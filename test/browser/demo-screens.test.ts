/**
 * The demo (examples/demo) on every screen: each page × theme at 320, 390 and 1280 px wide, showing
 * three flashed messages, two of which cannot break at a space (a 300-character word, a long URL),
 * is checked for horizontal overflow (the document no wider than the viewport, no element's right
 * edge past it), for requests that fail, and by axe-core (injected into the page) with no
 * violation. Then, at phone width: the collapsed navbar opens, and the Flask tutorial's own alerts
 * (home, login, profile) close by click and Escape with focus kept off `<body>`. One Chromium, one
 * context per theme, side by side. Needs the build (`npm run build`): the demo imports the package
 * by name.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApp, DEMO_PASSWORD, DEMO_USERNAME, THEMES } from "../../examples/demo/app.js";
import { hasChromium, launchChromium } from "./chromium.js";

const run = hasChromium();
const require = createRequire(import.meta.url);

const PAGES = ["/", "/login", "/profile", "/playground", "/partial"];
const WIDTHS = [320, 390, 1280];
const LONG_WORD = "W".repeat(300);
const LONG_URL = `https://example.com/${"very-long-path-segment/".repeat(8)}?query=${"x".repeat(60)}`;
/** Flashed before each page: the first two cannot wrap at a space. */
const MESSAGES: Array<[string, string]> = [
  [LONG_WORD, "error"],
  [LONG_URL, "warning"],
  ["Saved, and this line is long enough to wrap at a space on a phone.", "success"],
];

/** What one page showed at one width in one theme. */
interface Screen {
  where: string;
  width: number;
  /** document.documentElement.scrollWidth */
  scrollWidth: number;
  /** Elements whose right edge is past the viewport, as `tag.class right=…` (the first five). */
  past: string[];
  /** axe-core's violations: rule id → the nodes' selectors. */
  violations: Record<string, string[]>;
}

/** The axe-core result fields read here. */
interface AxeViolation {
  id: string;
  nodes: Array<{ target: unknown[] }>;
}

describe.skipIf(!run)("the demo on every screen", () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

  beforeAll(async () => {
    const app = createDemoApp({ secret: "demo-screens-secret-0123456789-0123456789" });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A context in `theme`, logged in, with a tab that records failed requests; and its CSRF token. */
  async function loggedIn(
    theme: string,
    failed: string[],
  ): Promise<{ context: BrowserContext; tab: Page; token: string }> {
    const context = await browser.newContext();
    await context.addCookies([{ name: "demo_theme", value: theme, url: base }]);
    const tab = await context.newPage();
    tab.setDefaultTimeout(10_000);
    tab.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    tab.on("requestfailed", (r) => {
      failed.push(`failed ${new URL(r.url()).pathname}`);
    });
    await tab.goto(`${base}/login`);
    await tab.fill("#username", DEMO_USERNAME);
    await tab.fill("#password", DEMO_PASSWORD);
    await tab.click('main button[type="submit"]');
    await tab.waitForURL(`${base}/profile`);
    return { context, tab, token: (await tab.getAttribute('meta[name="csrf-token"]', "content"))! };
  }

  /** Flashes `messages` through the playground's form, without following its redirect (nothing reads them yet). */
  async function flash(context: BrowserContext, token: string, messages: Array<[string, string]>): Promise<void> {
    for (const [message, category] of messages) {
      const response = await context.request.post(`${base}/playground`, {
        form: { _csrf: token, message, category },
        maxRedirects: 0,
      });
      expect(response.status()).toBe(302);
    }
  }

  async function check(tab: Page, where: string, path: string, width: number): Promise<Screen> {
    await tab.setViewportSize({ width, height: 800 });
    await tab.goto(`${base}${path}`, { waitUntil: "load" });
    const layout = await tab.evaluate(() => {
      const limit = window.innerWidth + 0.5;
      const past: string[] = [];
      for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.width > 0 && box.right > limit) {
          past.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} right=${Math.round(box.right)}`);
        }
      }
      return { scrollWidth: document.documentElement.scrollWidth, past: past.slice(0, 5) };
    });
    await tab.evaluate(axeSource);
    const found = (await tab.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }
      ).axe;
      return (await axe.run(document, { resultTypes: ["violations"] })).violations;
    })) as AxeViolation[];
    const violations: Record<string, string[]> = {};
    for (const v of found) violations[v.id] = v.nodes.map((n) => n.target.join(" "));
    return { where: `${where} @${width}`, width, ...layout, violations };
  }

  /** Every page and width in one theme's context. */
  async function screensOf(theme: string): Promise<{ screens: Screen[]; failed: string[] }> {
    const failed: string[] = [];
    const { context, tab, token } = await loggedIn(theme, failed);
    const screens: Screen[] = [];
    for (const width of WIDTHS) {
      for (const path of PAGES) {
        await flash(context, token, MESSAGES);
        screens.push(await check(tab, `${theme} ${path}`, path, width));
        // The three messages were shown (and so consumed) on this page.
        expect(await tab.locator("#flash-messages [data-flash-message], main > .alert").count()).toBe(3);
      }
    }
    // A favicon for every page, and for what asks /favicon.ico without reading the page.
    const href = await tab.evaluate(() => document.querySelector('link[rel="icon"]')?.getAttribute("href"));
    if (!href) failed.push('no <link rel="icon">');
    const icons = [`${base}/favicon.ico`, ...(href ? [new URL(href, base).href] : [])];
    for (const response of await Promise.all(icons.map((url) => context.request.get(url)))) {
      if (response.status() !== 200 || !response.headers()["content-type"]?.startsWith("image/")) {
        failed.push(`${response.status()} ${response.headers()["content-type"]} ${new URL(response.url()).pathname}`);
      }
    }
    await context.close();
    return { screens, failed: failed.map((f) => `${theme}: ${f}`) };
  }

  it("no page in any theme is wider than a 320, 390 or 1280 px screen, fails a request, or has an axe-core violation", async () => {
    const started = performance.now();
    const results = await Promise.all(THEMES.map(screensOf));
    const screens = results.flatMap((r) => r.screens);
    const overflowing = screens.filter((s) => s.scrollWidth > s.width || s.past.length > 0);
    const byRule: Record<string, { screens: number; nodes: number }> = {};
    for (const s of screens) {
      for (const [rule, nodes] of Object.entries(s.violations)) {
        byRule[rule] ??= { screens: 0, nodes: 0 };
        byRule[rule].screens++;
        byRule[rule].nodes += nodes.length;
      }
    }
    const widest = Math.max(...screens.filter((s) => s.width < 1280).map((s) => s.scrollWidth));
    console.log(
      `demo screens: ${screens.length} checked in ${Math.round(performance.now() - started)} ms; ` +
        `${overflowing.length} overflow (widest phone page ${widest} px); axe violations by rule: ${JSON.stringify(byRule)}`,
    );
    expect(screens).toHaveLength(THEMES.length * PAGES.length * WIDTHS.length);
    expect(overflowing.map((s) => `${s.where}: ${s.scrollWidth} px wide; ${s.past.join(", ")}`)).toEqual([]);
    expect(
      screens.flatMap((s) =>
        Object.entries(s.violations).map(([rule, nodes]) => `${s.where} ${rule}: ${nodes.join(", ")}`),
      ),
    ).toEqual([]);
    expect(results.flatMap((r) => r.failed)).toEqual([]);
  }, 180_000);

  it.each(["bootstrap5", "bootstrap4"])(
    "%s: at 390 px the navbar opens from its toggler, with the theme switcher and Log out on the dark bar",
    async (theme) => {
      const { context, tab } = await loggedIn(theme, []);
      await tab.setViewportSize({ width: 390, height: 800 });
      await tab.goto(`${base}/playground`);
      expect(await tab.isVisible("#theme")).toBe(false);
      await tab.click(".navbar-toggler");
      await tab.waitForSelector("#demo-nav.show");
      await tab.waitForFunction(() => !document.querySelector("#demo-nav")!.classList.contains("collapsing"));
      expect(await tab.getAttribute(".navbar-toggler", "aria-expanded")).toBe("true");
      const inside = await tab.evaluate(() => {
        const nav = document.querySelector("nav")!.getBoundingClientRect();
        return ["#theme", 'form[action="/logout"] button', 'form[action="/theme"] button'].map((selector) => {
          const box = document.querySelector(selector)!.getBoundingClientRect();
          return box.width > 0 && box.top >= nav.top && box.bottom <= nav.bottom && box.right <= window.innerWidth;
        });
      });
      expect(inside).toEqual([true, true, true]);
      await context.close();
    },
  );

  it("closes the Flask tutorial's own alerts (no flashkit attributes) by Escape and click, focus never on <body>", async () => {
    const { context, tab, token } = await loggedIn("bootstrap5", []);
    await tab.setViewportSize({ width: 390, height: 800 });
    await flash(context, token, [
      ["first", "success"],
      ["second", "warning"],
    ]);
    await tab.goto(`${base}/`);
    // The tutorial's markup, as written in layout.njk: no data-flash-message.
    expect(await tab.locator("main > .alert.alert-dismissible:not([data-flash-message])").count()).toBe(2);
    const focused = () =>
      tab.evaluate(() => {
        const el = document.activeElement!;
        return el === document.body ? "BODY" : el.closest(".alert")?.textContent?.trim() || el.tagName;
      });
    await tab.focus("main > .alert .btn-close");
    await tab.keyboard.press("Escape");
    await tab.waitForFunction(() => document.querySelectorAll("main > .alert").length === 1);
    expect(await focused()).toBe("second"); // the next alert
    await tab.click("main > .alert .btn-close"); // Bootstrap's own JS sees this click too
    await tab.waitForFunction(() => document.querySelectorAll("main > .alert").length === 0);
    expect(await focused()).toBe("MAIN"); // no alert left: their parent
    await context.close();
  });

  it("scripts/screenshot-demo.js takes the picture in the theme it is given, and refuses an unknown one", async () => {
    const script = fileURLToPath(new URL("../../scripts/screenshot-demo.js", import.meta.url));
    const dir = await mkdtemp(join(tmpdir(), "flashkit-screenshot-"));
    try {
      const file = join(dir, "plain.png");
      // The script checks that the page shows the theme (data-flash-theme) before it takes the picture.
      const { stdout } = await promisify(execFile)(process.execPath, [script, "plain", file], { timeout: 60_000 });
      expect(stdout).toContain(`wrote ${file}`);
      expect((await readFile(file)).subarray(1, 4).toString()).toBe("PNG");
      const refused = await promisify(execFile)(process.execPath, [script, "bootstrap3", join(dir, "x.png")]).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("theme must be one of") });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
