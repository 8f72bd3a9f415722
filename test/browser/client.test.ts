/**
 * flashkit/client in Chromium (playwright-core driving Debian's chromium): visible without JS,
 * close by click and Escape, focus after close, auto-dismiss and its pauses (fake clock), reduced
 * motion, live regions, more than three messages, escaping, Bootstrap's own JS loaded too,
 * starting twice, and a screenshot per theme in artifacts/screenshots/.
 *
 * Hidden tab: headless Chromium keeps a page visible, so the tests override
 * `document.hidden`/`document.visibilityState` on the page and dispatch `visibilitychange` (the
 * script reads `document.hidden` on each tick).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launchChromium, screenshotPath } from "./chromium.js";
import { page as html, type PageOptions, startTestServer, type TestServer } from "./server.js";

const run = hasChromium();

/**
 * Events a message fires, recorded on window.__events as "type:id". `closed.bs.alert` is
 * dispatched on the removed element (as Bootstrap does), so it is heard on the element itself.
 */
const RECORD = `
  window.__events = [];
  const record = (e) => window.__events.push(e.type + ":" + (e.detail?.element?.id ?? e.target.id));
  for (const type of ["close.bs.alert", "flash:close", "flash:closed"]) document.addEventListener(type, record, true);
  for (const m of document.querySelectorAll("[data-flash-message]")) m.addEventListener("closed.bs.alert", record);`;

describe.skipIf(!run)("flashkit/client in Chromium", () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let tab: Page;
  let n = 0;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
    context = await browser.newContext();
    tab = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens a page built from `options` in `on` (the shared tab by default) and records its events. */
  async function open(options: PageOptions, on: Page = tab): Promise<Page> {
    await on.goto(server.add(`p${++n}`, html(options)));
    await on.evaluate(RECORD);
    return on;
  }
  const events = (on: Page = tab) => on.evaluate(() => (window as unknown as { __events: string[] }).__events);
  const ids = (on: Page = tab) =>
    on.$$eval("[data-flash-message]", (list) =>
      list.map((m) => m.textContent!.replace(/\s+/g, " ").replace("×", "").trim()),
    );
  const active = (on: Page = tab) =>
    on.evaluate(() => {
      const el = document.activeElement;
      return el === document.body ? "BODY" : (el?.id ?? el?.tagName ?? "none");
    });

  it("shows messages without JavaScript, the fourth and fifth inside an open-able <details>", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const p = await noJs.newPage();
    await p.goto(
      server.add(
        "nojs",
        html({
          messages: [
            ["success", "one"],
            ["error", "two"],
            ["warning", "three"],
            ["info", "four"],
            ["message", "five"],
          ],
        }),
      ),
    );
    for (const text of ["one", "two", "three"]) expect(await p.getByText(text).isVisible()).toBe(true);
    expect(await p.getByText("four").isVisible()).toBe(false);
    await p.getByText("2 more messages").click();
    expect(await p.getByText("four").isVisible()).toBe(true);
    expect(await p.getByText("five").isVisible()).toBe(true);
    await noJs.close();
  });

  it("closes on click, once, firing close.bs.alert, flash:close, closed.bs.alert, flash:closed", async () => {
    await open({ messages: [["success", "Saved"]] });
    const id = await tab.getAttribute("[data-flash-message]", "id");
    await tab.click("[data-flash-close]");
    await tab.waitForSelector("[data-flash-message]", { state: "detached" });
    expect(await events()).toEqual([
      `close.bs.alert:${id}`,
      `flash:close:${id}`,
      `closed.bs.alert:${id}`,
      `flash:closed:${id}`,
    ]);
  });

  it("a cancelled flash:close keeps the message", async () => {
    await open({ messages: [["error", "Stays"]] });
    await tab.evaluate(() => document.addEventListener("flash:close", (e) => e.preventDefault()));
    await tab.click("[data-flash-close]");
    await tab.waitForTimeout(400);
    expect(await ids()).toEqual(["Error: Stays"]);
  });

  it("Escape closes the focused message; focus goes to the next, then the previous, then the container", async () => {
    await open({
      messages: [
        ["success", "a"],
        ["info", "b"],
        ["warning", "c"],
      ],
    });
    const [a, b, c] = await tab.$$eval("[data-flash-message]", (list) => list.map((m) => m.id));
    await tab.focus(`#${b} [data-flash-close]`);
    await tab.keyboard.press("Escape");
    await tab.waitForSelector(`#${b}`, { state: "detached" });
    expect(await active()).toBe(c); // the next one
    await tab.keyboard.press("Escape");
    await tab.waitForSelector(`#${c}`, { state: "detached" });
    expect(await active()).toBe(a); // no next: the previous one
    await tab.keyboard.press("Escape");
    await tab.waitForSelector(`#${a}`, { state: "detached" });
    expect(await active()).toBe("flash-messages"); // none left: the container, never body
    await tab.keyboard.press("Escape"); // nothing to close: harmless
    expect(await active()).toBe("flash-messages");
  });

  it("clicking close moves focus to the next message, never to body", async () => {
    await open({
      messages: [
        ["success", "a"],
        ["info", "b"],
      ],
    });
    const [a, b] = await tab.$$eval("[data-flash-message]", (list) => list.map((m) => m.id));
    await tab.click(`#${a} [data-flash-close]`);
    await tab.waitForSelector(`#${a}`, { state: "detached" });
    expect(await active()).toBe(b);
  });

  it("with reduced motion removes the message at once; without it, after the fade transition", async () => {
    await open({ messages: [["success", "x"]] });
    // Still on the page right after the click (no waiting: the next task, 0 ms later)?
    const sync = () =>
      tab.evaluate(async () => {
        const m = document.querySelector<HTMLElement>("[data-flash-message]")!;
        m.querySelector<HTMLElement>("[data-flash-close]")!.click();
        await new Promise((resolve) => setTimeout(resolve));
        return m.isConnected;
      });
    expect(await sync()).toBe(true); // Bootstrap's .fade: 0.15s
    await tab.waitForSelector("[data-flash-message]", { state: "detached" });
    await tab.emulateMedia({ reducedMotion: "reduce" });
    await open({ messages: [["success", "x"]] });
    expect(await sync()).toBe(false);
    await tab.emulateMedia({ reducedMotion: "no-preference" });
  });

  it("keeps at most three expanded: closing one brings the next out of <details>", async () => {
    await open({
      messages: [
        ["success", "m1"],
        ["info", "m2"],
        ["warning", "m3"],
        ["error", "m4"],
        ["info", "m5"],
      ],
    });
    const expanded = () =>
      tab.$$eval("#flash-messages > [data-flash-message]", (l) => l.map((m) => m.textContent?.replace(/^\w+: /, "")));
    expect(await expanded()).toEqual(["m1", "m2", "m3"]);
    const first = await tab.getAttribute("[data-flash-message]", "id");
    await tab.click(`#${first} [data-flash-close]`);
    await tab.waitForSelector(`#${first}`, { state: "detached" });
    expect(await expanded()).toEqual(["m2", "m3", "m4"]);
    expect(await tab.textContent("[data-flash-more] summary")).toBe("1 more message");
    await tab.evaluate(() => {
      const f = (window as unknown as { Flash: { show(o: object): void } }).Flash;
      f.show({ category: "info", message: "m6" });
      f.show({ category: "info", message: "m7" });
    });
    expect(await expanded()).toEqual(["m2", "m3", "m4"]);
    expect(await tab.textContent("[data-flash-more] summary")).toBe("3 more messages");
    expect(await ids()).toHaveLength(6); // nothing dropped
  });

  it("announces inserted messages once through live regions that existed before; not those on the page", async () => {
    await open({ messages: [["info", "already here"]] });
    const regions = () =>
      tab.$$eval("body > [aria-live]", (list) =>
        list.map((r) => [r.getAttribute("aria-live"), [...r.children].map((c) => c.textContent)]),
      );
    expect(await regions()).toEqual([
      ["polite", []],
      ["assertive", []],
    ]);
    await tab.evaluate(() => {
      const f = (window as unknown as { Flash: { show(o: object): void } }).Flash;
      f.show({ category: "success", message: "Saved" });
      f.show({ category: "error", message: "Failed" });
    });
    // Said a moment later (100 ms), so that a region made just now is in the page before its content.
    await expect.poll(regions).toEqual([
      ["polite", ["Success: Saved"]],
      ["assertive", ["Error: Failed"]],
    ]);
    // The inserted elements lose their role, so the alert is not heard a second time.
    expect(await tab.$$eval("[data-flash-message]", (l) => l.map((m) => m.getAttribute("role")))).toEqual([
      "status",
      null,
      null,
    ]);
  });

  it("renders a message as inert text: <img onerror> never runs", async () => {
    await open({ messages: [["error", "<img src=x onerror=window.__xss=1>"]] });
    await tab.evaluate(() =>
      (window as unknown as { Flash: { show(o: object): void } }).Flash.show({
        category: "error",
        message: "<img src=x onerror=window.__xss=1>",
      }),
    );
    await tab.waitForTimeout(100);
    expect(await tab.$$eval("#flash-messages img", (l) => l.length)).toBe(0);
    expect(await ids()).toEqual([
      "Error: <img src=x onerror=window.__xss=1>",
      "Error: <img src=x onerror=window.__xss=1>",
    ]);
    expect(await tab.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it("with Bootstrap 5's own JS loaded, one click closes once and fires each event once", async () => {
    await open({
      bootstrapJs: true,
      messages: [
        ["success", "a"],
        ["info", "b"],
      ],
    });
    expect(await tab.evaluate(() => typeof (window as unknown as { bootstrap?: unknown }).bootstrap)).toBe("object");
    const [a, b] = await tab.$$eval("[data-flash-message]", (list) => list.map((m) => m.id));
    await tab.click(`#${a} [data-flash-close]`);
    await tab.waitForSelector(`#${a}`, { state: "detached" });
    await tab.waitForTimeout(100);
    expect((await events()).sort()).toEqual(
      [`close.bs.alert:${a}`, `closed.bs.alert:${a}`, `flash:close:${a}`, `flash:closed:${a}`].sort(),
    );
    expect(await active()).toBe(b);
    // Cancelling flash:close cancels Bootstrap's close too.
    await tab.evaluate(() => document.addEventListener("flash:close", (e) => e.preventDefault(), { once: true }));
    await tab.click(`#${b} [data-flash-close]`);
    await tab.waitForTimeout(300);
    expect(await ids()).toEqual(["Info: b"]);
    expect(await tab.getAttribute(`#${b}`, "class")).toContain("show");
    await tab.click(`#${b} [data-flash-close]`);
    await tab.waitForSelector(`#${b}`, { state: "detached" });
    expect(await active()).toBe("flash-messages");
  });

  it("Bootstrap 4 markup closes with the flashkit script alone (Bootstrap 4's JS needs jQuery, not installed)", async () => {
    await open({ theme: "bootstrap4", messages: [["warning", "bs4"]] });
    const id = await tab.getAttribute("[data-flash-message]", "id");
    await tab.click("[data-flash-close]");
    await tab.waitForSelector("[data-flash-message]", { state: "detached" });
    expect(await events()).toEqual([
      `close.bs.alert:${id}`,
      `flash:close:${id}`,
      `closed.bs.alert:${id}`,
      `flash:closed:${id}`,
    ]);
  });

  it("keeps messages expanded, without an error, in a container whose theme the script was not given", async () => {
    await open({
      messages: [
        ["info", "one"],
        ["info", "two"],
      ],
    });
    const errors: string[] = [];
    const onError = (error: Error) => errors.push(error.message);
    tab.on("pageerror", onError);
    await tab.evaluate(() => {
      const box = document.getElementById("flash-messages")!;
      box.dataset.flashTheme = "custom";
      const model = box.querySelector("[data-flash-message]")!;
      for (const text of ["three", "four"]) {
        const copy = model.cloneNode(true) as HTMLElement;
        copy.id = `flash-custom-${text}`;
        copy.lastChild!.before(text);
        box.append(copy);
      }
    });
    await tab.waitForTimeout(50);
    tab.off("pageerror", onError);
    expect(errors).toEqual([]);
    expect(await tab.$$eval("[data-flash-message]", (l) => l.length)).toBe(4);
    expect(await tab.$$eval("details [data-flash-message]", (l) => l.length)).toBe(0);
  });

  it("starting twice (classic script, module, and start() again) installs one set of handlers", async () => {
    await open({
      messages: [["info", "once"]],
      head: '<script type="module" src="/flashkit-client.mjs"></script>',
    });
    await tab.waitForFunction(() => [...document.scripts].some((s) => s.type === "module"));
    await tab.evaluate(() => {
      const f = (window as unknown as { Flash: { start(): unknown } }).Flash;
      f.start();
      f.start();
    });
    await tab.click("[data-flash-close]");
    await tab.waitForSelector("[data-flash-message]", { state: "detached" });
    expect(await events()).toHaveLength(4);
    expect(await tab.$$eval("body > [aria-live]", (l) => l.length)).toBe(2);
  });

  it("reveals a close button rendered for JS only (close: 'js'); a close link closes in place", async () => {
    await open({ messages: [["info", "js only"]], render: { close: "js" } });
    expect(await tab.isVisible("[data-flash-close]")).toBe(true);
    await open({ messages: [["info", "link"]], render: { close: "link", closeHref: "/nowhere" } });
    await tab.click("[data-flash-close]");
    await tab.waitForSelector("[data-flash-message]", { state: "detached" });
    expect(new URL(tab.url()).pathname).toMatch(/^\/p\//);
  });

  it("auto-dismisses a success message for real within a few seconds (5 s asked)", async () => {
    await open({});
    const started = Date.now();
    await tab.evaluate(() =>
      (window as unknown as { Flash: { show(o: object): void } }).Flash.show({
        category: "success",
        message: "bye",
        timeout: 5000,
      }),
    );
    await tab.waitForSelector("[data-flash-message]", { state: "detached", timeout: 8000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
  });

  describe("auto-dismiss with a fake clock", () => {
    let clocked: BrowserContext;
    let p: Page;

    beforeAll(async () => {
      clocked = await browser.newContext();
      await clocked.clock.install({ time: 0 });
      await clocked.clock.pauseAt(1000);
      p = await clocked.newPage();
      // No fade: a message goes the moment its time is up (ticks are 250 ms apart).
      await p.emulateMedia({ reducedMotion: "reduce" });
    });
    afterAll(() => clocked?.close());

    const messages: Array<[string, string]> = [
      ["success", "ok"],
      ["info", "fyi"],
      ["warning", "careful"],
      ["error", "broken"],
    ];
    const texts = () => ids(p);

    it("is opt-in: without data-flash-autodismiss nothing goes", async () => {
      await open({ messages }, p);
      await p.clock.runFor(60_000);
      expect(await texts()).toHaveLength(4);
    });

    it("removes success and info after 6 s, never warnings or errors", async () => {
      await open({ messages, render: { autoDismiss: true } }, p);
      await p.clock.runFor(5750);
      expect(await texts()).toHaveLength(4);
      await p.clock.runFor(500);
      expect(await texts()).toEqual(["Warning: careful", "Error: broken"]);
      await p.clock.runFor(600_000);
      expect(await texts()).toEqual(["Warning: careful", "Error: broken"]);
    });

    it("gives long text more time, and never less than 5 s", async () => {
      // "Success: " + 180 characters: 5000 + (189 - 80) * 60 = 11540 ms.
      await open({ messages: [["success", "x".repeat(180)]], render: { autoDismiss: 5000 } }, p);
      await p.clock.runFor(11_250);
      expect(await texts()).toHaveLength(1);
      await p.clock.runFor(500);
      expect(await texts()).toHaveLength(0);
      await open({}, p);
      await p.evaluate(() =>
        (window as unknown as { Flash: { show(o: object): void } }).Flash.show({
          category: "info",
          message: "m",
          timeout: 10,
        }),
      );
      await p.clock.runFor(4750);
      expect(await texts()).toHaveLength(1);
      await p.clock.runFor(500);
      expect(await texts()).toHaveLength(0);
    });

    it("pauses while hovered and resumes with the time left", async () => {
      await open({ messages: [["success", "hover me"]], render: { autoDismiss: true } }, p);
      await p.clock.runFor(3000);
      await p.hover("[data-flash-message]");
      await p.clock.runFor(20_000);
      expect(await texts()).toHaveLength(1);
      await p.mouse.move(1, 1);
      await p.clock.runFor(2500);
      expect(await texts()).toHaveLength(1);
      await p.clock.runFor(750);
      expect(await texts()).toHaveLength(0);
    });

    it("pauses while focus is inside", async () => {
      await open({ messages: [["info", "focus me"]], render: { autoDismiss: true } }, p);
      await p.clock.runFor(3000);
      await p.focus("[data-flash-close]");
      await p.clock.runFor(20_000);
      expect(await texts()).toHaveLength(1);
      await p.focus("#after");
      await p.clock.runFor(3250);
      expect(await texts()).toHaveLength(0);
    });

    it("pauses while the tab is hidden", async () => {
      await open({ messages: [["success", "hidden tab"]], render: { autoDismiss: true } }, p);
      const hide = (hidden: boolean) =>
        p.evaluate((h) => {
          Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
          Object.defineProperty(document, "visibilityState", {
            configurable: true,
            get: () => (h ? "hidden" : "visible"),
          });
          document.dispatchEvent(new Event("visibilitychange"));
        }, hidden);
      await p.clock.runFor(3000);
      await hide(true);
      await p.clock.runFor(60_000);
      expect(await texts()).toHaveLength(1);
      await hide(false);
      await p.clock.runFor(2500);
      expect(await texts()).toHaveLength(1);
      await p.clock.runFor(750);
      expect(await texts()).toHaveLength(0);
    });

    it("stays off with the page-wide switch <html data-flash-autodismiss=off>", async () => {
      await open({ messages, render: { autoDismiss: true }, htmlAttributes: 'data-flash-autodismiss="off"' }, p);
      await p.clock.runFor(60_000);
      expect(await texts()).toHaveLength(4);
      await p.evaluate(() => document.documentElement.removeAttribute("data-flash-autodismiss"));
      await p.clock.runFor(6500);
      expect(await texts()).toHaveLength(2);
    });

    it("waits while collapsed in <details>, counting from when it comes out", async () => {
      const three: Array<[string, string]> = [1, 2, 3].map((i) => ["warning", `w${i}`]);
      await open({ messages: [...three, ["success", "late"]], render: { autoDismiss: true } }, p);
      await p.clock.runFor(30_000);
      expect(await texts()).toHaveLength(4);
      await p.click("[data-flash-message] [data-flash-close]");
      await p.clock.runFor(300);
      await p.clock.runFor(5500);
      expect(await texts()).toContain("Success: late");
      await p.clock.runFor(700);
      expect(await texts()).not.toContain("Success: late");
    });
  });

  it.each(["bootstrap5", "bootstrap4", "tailwind", "plain"] as const)("screenshot of the %s theme", async (theme) => {
    await open({
      theme,
      messages: [
        ["success", "Profile updated successfully!"],
        ["info", "You have 3 new notifications."],
        ["warning", "Your session expires in 5 minutes."],
        ["error", "Invalid username or password"],
        ["message", "A fifth message waits in <details>."],
      ],
    });
    await tab.evaluate(() =>
      (window as unknown as { Flash: { show(o: object): void } }).Flash.show({
        category: "info",
        message: "Shown by Flash.show()",
      }),
    );
    await tab.evaluate(() => document.querySelector("[data-flash-more]")?.setAttribute("open", ""));
    await tab.setViewportSize({ width: 760, height: 720 });
    await tab.screenshot({ path: await screenshotPath(`theme-${theme}.png`) });
    expect(await ids()).toHaveLength(6);
  });
});
