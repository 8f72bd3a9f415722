/**
 * The set-up the Chromium tests of the framework examples share: inside a `describe`, start the
 * example's server and Chromium before its tests, stop them after, give each test a tab (a fresh
 * context per test, or one for the whole `describe`), and read what the page shows and which flash
 * cookies are left.
 */
import type { Browser, BrowserContext, Cookie, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { launchChromium } from "./chromium.js";

/** A started example: its base URL (`http://127.0.0.1:port`) and, when it owns a process, how to stop it. */
export interface ExampleServer {
  /** The base URL, without a trailing slash. */
  url: string;
  /** Stops the server; omitted when something else stops it. */
  close?(): Promise<void>;
}

/** How {@link useExampleBrowser} starts the example and reads its pages. */
export interface ExampleBrowserOptions<S extends ExampleServer> {
  /** Builds (when needed) and starts the example; runs while Chromium launches. */
  start(): Promise<S>;
  /**
   * The `beforeAll` timeout, in milliseconds (a build may run in `start`).
   * @default 60_000
   */
  timeout?: number;
  /**
   * `"each"`: a fresh context and tab for every test. `"shared"`: one context and tab for the whole
   * `describe`, opened once the server is up (the tests then carry cookies and history over).
   * @default "each"
   */
  tabs?: "each" | "shared";
  /**
   * Whether `shown()` collapses runs of whitespace and drops a close button's `×`, for markup whose
   * message spans lines.
   * @default false
   */
  tidyText?: boolean;
  /**
   * Whether `flashCookies()` reads only the cookies Chromium would send to the server's URL
   * (`context.cookies(url)`) rather than every cookie of the context.
   * @default false
   */
  serverCookiesOnly?: boolean;
  /**
   * How long `consumed()` waits for the flash cookies to be gone, in milliseconds.
   * @default 10_000
   */
  consumedTimeout?: number;
}

/** What a `describe` drives its example with; `server`, `browser`, `context` and `tab` are live once `beforeAll` ran. */
export interface ExampleBrowser<S extends ExampleServer> {
  /** The started example (stands for the current one: read it inside hooks and tests). */
  server: S;
  /** The Chromium of this `describe`. */
  browser: Browser;
  /** The current test's browser context. */
  context: BrowserContext;
  /** The current test's tab, with a 10 s default timeout. */
  tab: Page;
  /**
   * The absolute URL of `path` on the example.
   * @example url("/login") // "http://127.0.0.1:41234/login"
   */
  url(path: string): string;
  /**
   * `[level, text]` of every `[data-flash-message]` on the page, in order (`data-flash-level`, trimmed text).
   * @example expect(await messages()).toEqual([["danger", "Error: Invalid username or password"]])
   */
  messages(): Promise<[string | null, string | undefined][]>;
  /**
   * `"level: text"` of every `[data-flash-message]` on the page, in order (text tidied when `tidyText`).
   * @example expect(await shown()).toEqual(["success: Success: Profile updated successfully!"])
   */
  shown(): Promise<string[]>;
  /** The context's `flash.*` cookies (only the server URL's when `serverCookiesOnly`). */
  flashCookies(): Promise<Cookie[]>;
  /** Waits (up to `consumedTimeout`) until no flash cookie is left: what the page showed was consumed. */
  consumed(): Promise<void>;
}

/**
 * Registers, in the calling `describe`, the hooks that start the example and Chromium, open the tabs
 * and stop everything afterwards; returns the tab and the page readers. The returned `server`,
 * `browser`, `context` and `tab` stand for the current ones, so they can be destructured at once.
 * @example
 * describe("examples/h3 in Chromium", () => {
 *   const { tab, url, shown } = useExampleBrowser({ start: () => startExample() });
 *   it("shows nothing at first", async () => {
 *     await tab.goto(url("/"));
 *     expect(await shown()).toEqual([]);
 *   });
 * });
 */
export function useExampleBrowser<S extends ExampleServer>(options: ExampleBrowserOptions<S>): ExampleBrowser<S> {
  const { start, timeout = 60_000, tabs = "each", tidyText = false } = options;
  const { serverCookiesOnly = false, consumedTimeout = 10_000 } = options;
  let server: S | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let tab: Page | undefined;

  const openTab = async () => {
    await context?.close();
    context = await browser!.newContext();
    tab = await context.newPage();
    tab.setDefaultTimeout(10_000);
  };

  beforeAll(async () => {
    // Settled, not Promise.all: whichever started is assigned, so afterAll stops it even when the other failed.
    const [started, launched] = await Promise.allSettled([
      start().then((value) => (server = value)),
      launchChromium().then((value) => (browser = value)),
    ]);
    for (const result of [started, launched]) if (result.status === "rejected") throw result.reason;
    if (tabs === "shared") await openTab();
  }, timeout);
  afterAll(async () => {
    await browser?.close();
    await server?.close?.();
  });
  if (tabs === "each") beforeEach(openTab);

  const url = (path: string) => `${server!.url}${path}`;
  const flashCookies = async () =>
    (await (serverCookiesOnly ? context!.cookies(server!.url) : context!.cookies())).filter((cookie) =>
      cookie.name.startsWith("flash."),
    );
  return {
    server: live("server", () => server),
    browser: live("browser", () => browser),
    context: live("context", () => context),
    tab: live("tab", () => tab),
    url,
    messages: () =>
      tab!.$$eval("[data-flash-message]", (list) =>
        list.map((element): [string | null, string | undefined] => [
          element.getAttribute("data-flash-level"),
          element.textContent?.trim(),
        ]),
      ),
    shown: () =>
      tab!.$$eval(
        "[data-flash-message]",
        (list, tidy) =>
          list.map((element) => {
            const text = tidy
              ? element.textContent!.replace(/\s+/g, " ").replace("×", "").trim()
              : element.textContent?.trim();
            return `${element.getAttribute("data-flash-level")}: ${text}`;
          }),
        tidyText,
      ),
    flashCookies,
    consumed: () => expect.poll(flashCookies, { timeout: consumedTimeout }).toEqual([]),
  };
}

/** An object that forwards every property read to what `current()` returns at that moment (methods bound to it). */
function live<T extends object>(name: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = current();
      if (!target) throw new Error(`example-browser: no ${name} yet (read it inside a hook or a test)`);
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
