/**
 * Takes the README's screenshot of the demo, docs/demo.png: the partial-page demo after a
 * `Flash.show()` error, a fetch, an htmx and a Turbo save (the fourth waits in "1 more message"),
 * in headless Chromium (playwright-core).
 *
 * Run after `npm run build`: `node scripts/screenshot-demo.js [theme] [file]` (theme: bootstrap5, the
 * default, bootstrap4, tailwind or plain, set as the theme switcher sets it; CHROMIUM_PATH overrides
 * /usr/bin/chromium; the file is docs/demo.png, or docs/demo-<theme>.png for another theme, unless
 * given). Fails if the page does not show the theme asked for.
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createDemoApp, THEMES } from "../examples/demo/app.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const theme = process.argv[2] ?? "bootstrap5";
if (!THEMES.includes(theme)) throw new TypeError(`theme must be one of ${THEMES.join(", ")}, got ${theme}`);
const file = process.argv[3] ?? join(root, "docs", theme === "bootstrap5" ? "demo.png" : `demo-${theme}.png`);

const app = createDemoApp({ secret: "screenshot-secret-0123456789-0123456789-abcdef" });
const server = await new Promise((resolve) => {
  const s = app.listen(0, "127.0.0.1", () => resolve(s));
});
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 860 }, deviceScaleFactor: 1 });
  // The cookie the navbar's theme switcher sets.
  await context.addCookies([{ name: "demo_theme", value: theme, url: base }]);
  const page = await context.newPage();
  await page.goto(`${base}/partial`);
  const shown = await page.getAttribute("#flash-messages", "data-flash-theme");
  if (shown !== theme) throw new Error(`the demo shows the ${shown} theme, not ${theme}`);
  // Keep the messages still for the picture: the page-wide auto-dismiss switch.
  await page.check("#keep");
  await page.evaluate(() =>
    window.Flash.show({ category: "error", message: "Could not reach the server (Flash.show)" }),
  );
  await page.click("#fetch-save");
  await page.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 2);
  await page.click("text=Save with htmx");
  await page.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 3);
  await page.click("text=Save with Turbo");
  await page.waitForFunction(() => document.querySelectorAll("[data-flash-message]").length === 4);
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await mkdir(dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  console.log(`wrote ${file}`);
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
