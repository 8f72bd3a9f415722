/**
 * The "Try it Yourself" demo (examples/demo), driven over HTTP as a browser would: the Flask
 * tutorial's flows, one-time display, no Set-Cookie on quiet pages, escaping, static Bootstrap, and
 * the server script's start-up checks. Needs the build (`npm run build`): the demo imports the
 * package by name, which resolves to dist/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApp } from "../examples/demo/app.js";
import { memoryStore } from "../src/index.js";
import { type BrowserClient, createBrowserClient } from "../src/testing/index.js";

const SECRET = "demo-test-secret-0123456789-0123456789-abcdef";
const SERVER_JS = fileURLToPath(new URL("../examples/demo/server.js", import.meta.url));
const XSS = "<img src=x onerror=alert(1)>";

interface Reply {
  status: number;
  location: string | null;
  setCookies: string[];
  contentType: string | null;
  text: string;
}

/** A browser over flashkit/testing's client that never follows redirects itself, returning the whole reply. */
class Browser {
  readonly client: BrowserClient;
  /** The CSRF token of the last page seen (its forms' `_csrf` field), as a browser submitting one of its forms sends it. */
  token: string | undefined;
  constructor(base: string) {
    this.client = createBrowserClient(base);
  }

  /** Whether the browser holds a cookie of that name. */
  has(name: string): boolean {
    return this.client.cookies().some((cookie) => cookie.name === name);
  }

  get(path: string, extraCookie?: string): Promise<Reply> {
    return this.request("GET", path, undefined, extraCookie);
  }

  /** Submits a form of the demo's pages: with the token of the page it was on (a fresh browser opens /login first). */
  async post(path: string, form: Record<string, string>): Promise<Reply> {
    if (this.token === undefined) await this.get("/login");
    return this.request("POST", path, new URLSearchParams({ _csrf: this.token!, ...form }).toString());
  }

  private async request(method: string, path: string, body?: string, extraCookie?: string): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = extraCookie
      ? await fetch(this.client.baseUrl + path, {
          method,
          headers: { ...headers, cookie: extraCookie },
          redirect: "manual",
        })
      : await this.client.fetch(path, { method, headers, body, redirect: "manual" });
    const text = await response.text();
    this.token = /name="_csrf" value="([\w-]+)"/.exec(text)?.[1] ?? this.token;
    return {
      status: response.status,
      location: response.headers.get("location"),
      setCookies: response.headers.getSetCookie(),
      contentType: response.headers.get("content-type"),
      text,
    };
  }
}

/** The flash alerts of a page, as [classes, text] pairs. */
function alerts(html: string): Array<[classes: string, text: string]> {
  const found: Array<[string, string]> = [];
  for (const match of html.matchAll(/<div class="(alert [^"]*)"[^>]*>([\s\S]*?)<button/g)) {
    found.push([match[1]!, match[2]!.trim()]);
  }
  return found;
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

async function listen(options: Parameters<typeof createDemoApp>[0]): Promise<{ server: Server; base: string }> {
  const app = createDemoApp(options);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Serves the demo for the tests of one describe block: `served.base` is its URL once started. */
function serveDemo(options: () => Parameters<typeof createDemoApp>[0]): { base: string } {
  const served = { base: "" };
  let server: Server;
  beforeAll(async () => {
    ({ server, base: served.base } = await listen(options()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return served;
}

const stores = [
  ["signed cookies (default)", () => ({ secret: SECRET })],
  ["memory store", () => ({ store: memoryStore() })],
] as const;

describe.each(stores)("demo app with %s", (_name, options) => {
  const demo = serveDemo(options);

  it("wrong password: the login page shows the error once, in an alert-danger, and not on reload", async () => {
    const browser = new Browser(demo.base);
    const posted = await browser.post("/login", { username: "demo", password: "nope" });
    expect(posted.status).toBe(302);
    expect(posted.location).toBe("/login");
    expect(posted.setCookies.length).toBeGreaterThan(0);
    expect(browser.has("demo_user")).toBe(false);

    const page = await browser.get("/login");
    expect(page.status).toBe(200);
    expect(count(page.text, "Invalid username or password")).toBe(1);
    expect(alerts(page.text)).toEqual([
      ["alert alert-danger alert-dismissible fade show", "Invalid username or password"],
    ]);
    expect(page.setCookies.length).toBeGreaterThan(0); // consumed: its cookie is expired

    const reload = await browser.get("/login");
    expect(reload.text).toContain("<strong>demo</strong> / <strong>demo</strong>");
    expect(reload.text).not.toContain("Invalid username or password");
    expect(alerts(reload.text)).toEqual([]);
    expect(reload.setCookies).toEqual([]);
  });

  it("right password, then update_profile: each success message shows once", async () => {
    const browser = new Browser(demo.base);
    const posted = await browser.post("/login", { username: "demo", password: "demo" });
    expect(posted.status).toBe(302);
    expect(posted.location).toBe("/profile");
    expect(browser.has("demo_user")).toBe(true);

    const profile = await browser.get("/profile");
    expect(profile.status).toBe(200);
    expect(alerts(profile.text)).toEqual([
      ["alert alert-success alert-dismissible fade show", "Logged in successfully!"],
    ]);
    expect(alerts((await browser.get("/profile")).text)).toEqual([]);

    const updated = await browser.post("/update_profile", { name: "Ada Lovelace", email: "ada@example.com" });
    expect(updated.status).toBe(302);
    expect(updated.location).toBe("/profile");
    const after = await browser.get("/profile");
    expect(count(after.text, "Profile updated successfully!")).toBe(1);
    expect(alerts(after.text)).toEqual([
      ["alert alert-success alert-dismissible fade show", "Profile updated successfully!"],
    ]);
    expect(after.text).toContain('value="Ada Lovelace"');
    expect(after.text).toContain('value="ada@example.com"');
    const reload = await browser.get("/profile");
    expect(reload.text).not.toContain("Profile updated successfully!");
    expect(reload.setCookies).toEqual([]);
  });

  it("an invalid email flashes an error and keeps the old profile", async () => {
    const browser = new Browser(demo.base);
    await browser.post("/login", { username: "demo", password: "demo" });
    await browser.get("/profile");
    await browser.post("/update_profile", { name: "Ada", email: "not-an-email" });
    const page = await browser.get("/profile");
    expect(alerts(page.text)).toEqual([
      ["alert alert-danger alert-dismissible fade show", "Please enter a valid email address"],
    ]);
    expect(page.text).toContain('value="demo@example.com"');
  });

  it("the profile needs a login; logout flashes an info message", async () => {
    const browser = new Browser(demo.base);
    const denied = await browser.get("/profile");
    expect(denied.status).toBe(302);
    expect(denied.location).toBe("/login");
    expect(alerts((await browser.get("/login")).text)).toEqual([
      ["alert alert-warning alert-dismissible fade show", "Please log in to see your profile"],
    ]);
    expect((await browser.post("/update_profile", { name: "x", email: "x@example.com" })).location).toBe("/login");
    await browser.get("/login");

    await browser.post("/login", { username: "demo", password: "demo" });
    await browser.get("/profile");
    const out = await browser.post("/logout", {});
    expect(out.location).toBe("/login");
    expect(browser.has("demo_user")).toBe(false);
    expect(alerts((await browser.get("/login")).text)).toEqual([
      ["alert alert-info alert-dismissible fade show", "You have been logged out."],
    ]);
    expect((await browser.get("/profile")).location).toBe("/login");
  });

  it("a forged demo_user cookie is not a login", async () => {
    const browser = new Browser(demo.base);
    const payload = Buffer.from(JSON.stringify({ username: "demo", name: "x", email: "x@example.com" })).toString(
      "base64url",
    );
    expect((await browser.get("/profile", `demo_user=${payload}.${"A".repeat(43)}`)).location).toBe("/login");
  });

  it("pages with no pending message send no Set-Cookie (but the first page's CSRF id)", async () => {
    const browser = new Browser(demo.base);
    const first = await browser.get("/");
    expect(first.setCookies.map((header) => header.split("=")[0])).toEqual(["demo_csrf"]);
    for (const path of ["/", "/login", "/playground", "/vendor/bootstrap/css/bootstrap.min.css"]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.setCookies, path).toEqual([]);
    }
    await browser.post("/login", { username: "demo", password: "demo" });
    await browser.get("/profile");
    for (const path of ["/", "/profile", "/playground"]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.setCookies, path).toEqual([]);
    }
  });

  it("the playground flashes any category, count times, escaped", async () => {
    // The playground renders with flash_messages(), whose markup is its own: compare with the quiet reload.
    const escaped = "&lt;img src=x onerror=alert(1)&gt;";
    const browser = new Browser(demo.base);
    const posted = await browser.post("/playground", {
      message: XSS,
      category: "error",
      custom_category: "",
      count: "3",
    });
    expect(posted.status).toBe(302);
    expect(posted.location).toBe("/playground");
    const page = await browser.get("/playground");
    const reload = await browser.get("/playground");
    expect(page.text).not.toMatch(/<img/i);
    expect(page.text).toContain("data-flash-container");
    expect(count(page.text, escaped) - count(reload.text, escaped)).toBe(3);
    expect(count(page.text, "alert-danger")).toBe(3);
    expect(count(reload.text, "alert-danger")).toBe(0);
    expect(reload.setCookies).toEqual([]);

    await browser.post("/playground", {
      message: "custom one",
      category: "info",
      custom_category: "primary",
      count: "9",
    });
    expect(count((await browser.get("/playground")).text, "custom one")).toBe(5); // count is capped at 5

    await browser.post("/playground", { message: "  ", category: "info", count: "1" });
    expect((await browser.get("/playground")).text).toContain("Type a message to flash");
  });

  it("serves Bootstrap's CSS and JS from the installed package", async () => {
    const browser = new Browser(demo.base);
    const css = await browser.get("/vendor/bootstrap/css/bootstrap.min.css");
    expect(css.status).toBe(200);
    expect(css.contentType).toMatch(/^text\/css/);
    expect(css.text).toMatch(/Bootstrap\s+v5\./);
    const js = await browser.get("/vendor/bootstrap/js/bootstrap.bundle.min.js");
    expect(js.status).toBe(200);
    expect(js.contentType).toMatch(/javascript/);
    const home = await browser.get("/");
    expect(home.text).toContain('href="/vendor/bootstrap/css/bootstrap.min.css"');
  });
});

describe("demo app: theme switcher and partial-page delivery", () => {
  const demo = serveDemo(() => ({ secret: SECRET }));

  it("switches the theme with a cookie; every page then renders flashkit's markup for it", async () => {
    const browser = new Browser(demo.base);
    expect((await browser.get("/playground")).text).toContain('data-flash-theme="bootstrap5"');
    const switched = await browser.post("/theme", { theme: "tailwind", back: "/login" });
    expect(switched.status).toBe(302);
    expect(switched.location).toBe("/login");
    expect(browser.has("demo_theme")).toBe(true);
    await browser.post("/login", { username: "demo", password: "nope" });
    const login = await browser.get("/login");
    expect(login.text).toContain('data-flash-theme="tailwind"');
    expect(login.text).toContain('data-flash-level="danger"');
    expect(login.text).toContain("border-red-300 bg-red-50 text-red-900");
    expect(login.text).toContain('href="/vendor/demo/tailwind.css"');
    expect(alerts(login.text)).toEqual([]); // no Bootstrap markup

    await browser.post("/theme", { theme: "bootstrap4", back: "//evil.example/" });
    const home = await browser.get("/");
    expect(home.text).toContain('href="/vendor/bootstrap4/css/bootstrap.min.css"');
    expect(home.text).toContain('<option value="bootstrap4" selected>');
    expect((await browser.post("/theme", { theme: "<script>", back: "/" })).status).toBe(302);
    expect((await browser.get("/")).text).toContain('<option value="bootstrap4" selected>'); // unknown: ignored
  });

  it("serves the client scripts, htmx, Turbo and the themes' CSS", async () => {
    const browser = new Browser(demo.base);
    for (const [path, type] of [
      ["/vendor/flashkit/flashkit-client.iife.min.js", /javascript/],
      ["/vendor/flashkit/flashkit-client.bootstrap5.min.js", /javascript/],
      ["/vendor/htmx.min.js", /javascript/],
      ["/vendor/turbo.js", /javascript/],
      ["/vendor/demo/tailwind.css", /^text\/css/],
      ["/vendor/flashkit-plain.css", /^text\/css/],
      ["/vendor/bootstrap4/css/bootstrap.min.css", /^text\/css/],
    ] as const) {
      const reply = await browser.get(path);
      expect(reply.status, path).toBe(200);
      expect(reply.contentType, path).toMatch(type);
      expect(reply.setCookies, path).toEqual([]);
    }
    const home = await browser.get("/");
    expect(home.text).toContain('<script src="/vendor/flashkit/flashkit-client.iife.min.js" defer></script>');
  });

  it("the partial-page routes flash through a header, HX-Trigger, an out-of-band container and a Turbo stream", async () => {
    const browser = new Browser(demo.base);
    const page = await browser.get("/partial");
    expect(page.text).toContain('data-flash-autodismiss=""');
    expect(page.text).toContain('hx-post="/partial/htmx"');

    const post = (path: string) =>
      browser.client.fetch(path, { method: "POST", headers: { "x-csrf-token": browser.token! }, redirect: "manual" });
    const fetched = await post("/partial/fetch");
    const header = fetched.headers.get("x-flash-messages")!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(header)).toEqual([
      { category: "success", message: "Saved through fetch: Größe ✓ café", level: "success" },
    ]);
    expect(await fetched.json()).toEqual({ saved: true });

    const htmx = await post("/partial/htmx");
    expect(JSON.parse(htmx.headers.get("hx-trigger")!)).toEqual({
      flash: [{ category: "info", message: "Sent by htmx in HX-Trigger", level: "info" }],
    });

    const oob = await (await post("/partial/htmx-oob")).text();
    expect(oob).toMatch(
      /^Saved with htmx \(out of band\)\.<div hx-swap-oob="beforeend:#flash-messages">\n<div class="alert alert-warning /,
    );
    expect(oob).toContain("Appended out of band by htmx");
    expect(oob).not.toContain('id="flash-messages"');

    const turbo = await post("/partial/turbo");
    expect(turbo.headers.get("content-type")).toMatch(/^text\/vnd\.turbo-stream\.html/);
    expect(await turbo.text()).toMatch(/^<turbo-stream action="append" target="flash-messages"><template>/);

    // Nothing was left behind, and a background request reads nothing.
    await browser.client.fetch("/partial/ping");
    expect(alerts((await browser.get("/login")).text)).toEqual([]);
  });

  it("a background request never eats the next page's flash", async () => {
    const browser = new Browser(demo.base);
    await browser.post("/login", { username: "demo", password: "nope" });
    await browser.client.fetch("/partial/ping");
    expect(alerts((await browser.get("/login")).text)).toEqual([
      ["alert alert-danger alert-dismissible fade show", "Invalid username or password"],
    ]);
  });
});

describe("demo app: cross-site requests are refused, and categories reach class attributes only mapped", () => {
  const demo = serveDemo(() => ({ secret: SECRET }));

  /** Every POST of the demo: a form's fields, or none for the fetch/htmx/Turbo routes. */
  const forms: Array<[path: string, fields: Record<string, string>]> = [
    ["/login", { username: "demo", password: "demo" }],
    ["/update_profile", { name: "Mallory", email: "mallory@evil.example" }],
    ["/logout", {}],
    ["/playground", { message: "x fixed-top vh-100", category: "error", custom_category: "", count: "5" }],
    ["/theme", { theme: "tailwind", back: "/" }],
    ["/partial/fetch", {}],
    ["/partial/htmx", {}],
    ["/partial/htmx-oob", {}],
    ["/partial/turbo", {}],
  ];

  /** A logged-in victim holding the demo's cookies, and what it sees of its state. */
  async function victim() {
    const browser = new Browser(demo.base);
    expect((await browser.post("/login", { username: "demo", password: "demo" })).status).toBe(302);
    await browser.get("/profile"); // reads the login message
    const state = async () => {
      const page = await browser.get("/profile");
      return {
        alerts: alerts(page.text),
        name: /id="name" name="name" value="([^"]*)"/.exec(page.text)?.[1],
        theme: /data-flash-theme="(\w+)"/.exec((await browser.get("/partial")).text)?.[1],
        loggedIn: browser.has("demo_user"),
      };
    };
    return { browser, before: await state(), state };
  }

  /** Sends one POST with the victim's cookies and the given extra headers and fields, never following a redirect. */
  function send(browser: Browser, path: string, fields: Record<string, string>, headers: Record<string, string>) {
    return browser.client.fetch(path, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  it.each(forms)(
    "POST %s from another site, or without the client's token, is refused (403) and flashes nothing",
    async (path, fields) => {
      const { browser, before, state } = await victim();
      const token = browser.token!;
      const other = new Browser(demo.base);
      await other.get("/login");
      const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
        ["foreign Origin, no token", fields, { origin: "https://evil.example" }],
        [
          "foreign Origin, valid token",
          { ...fields, _csrf: token },
          { origin: "https://evil.example", "x-csrf-token": token },
        ],
        ["Sec-Fetch-Site: cross-site", { ...fields, _csrf: token }, { "sec-fetch-site": "cross-site" }],
        [
          "Sec-Fetch-Site: same-site (a sibling subdomain)",
          { ...fields, _csrf: token },
          { "sec-fetch-site": "same-site" },
        ],
        ["same origin, no token", fields, { origin: demo.base, "sec-fetch-site": "same-origin" }],
        ["same origin, a forged token", { ...fields, _csrf: "A".repeat(43) }, { origin: demo.base }],
        ["same origin, another client's token", { ...fields, _csrf: other.token! }, { origin: demo.base }],
      ];
      for (const [what, body, headers] of attempts) {
        const reply = await send(browser, path, body, headers);
        expect(reply.status, what).toBe(403);
        expect(reply.headers.getSetCookie(), what).toEqual([]);
        expect(await reply.text(), what).toMatch(/^Forbidden/);
      }
      // No cookie at all: the playground took such a POST before.
      const stranger = await fetch(`${demo.base}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
        body: new URLSearchParams(fields).toString(),
      });
      expect(stranger.status).toBe(403);
      expect(stranger.headers.getSetCookie().filter((header) => !header.startsWith("demo_csrf="))).toEqual([]);
      expect(await state()).toEqual(before);

      // The same form from the demo's own page, with its token, works.
      const own = await send(
        browser,
        path,
        { ...fields, _csrf: token },
        { origin: demo.base, "sec-fetch-site": "same-origin" },
      );
      expect(own.status).toBeLessThan(400);
    },
  );

  it("a custom category with spaces never reaches a class attribute as it is, in any theme or template", async () => {
    const browser = new Browser(demo.base);
    const category = "x fixed-top vh-100 w-100 position-fixed";
    const classes = (html: string) => [...html.matchAll(/class="([^"]*)"/g)].map((match) => match[1]!);
    for (const theme of ["bootstrap5", "bootstrap4", "tailwind", "plain"]) {
      await browser.post("/theme", { theme, back: "/" });
      // Read on the home page (the Flask tutorial's Jinja block under bootstrap5) and on the playground (flash_messages()).
      for (const page of ["/", "/playground"]) {
        const posted = await browser.post("/playground", { message: `banner on ${page}`, custom_category: category });
        expect(posted.status).toBe(302);
        const html = (await browser.get(page)).text;
        expect(html, `${theme} ${page}`).toContain(`banner on ${page}`);
        for (const name of ["fixed-top", "vh-100", "w-100", "position-fixed"]) {
          expect(
            classes(html).filter((value) => value.split(/\s+/).includes(name)),
            `${theme} ${page} ${name}`,
          ).toEqual([]);
        }
      }
    }
    await browser.post("/theme", { theme: "bootstrap5", back: "/" });
    await browser.post("/playground", { message: "on home", custom_category: category });
    expect(alerts((await browser.get("/")).text)).toEqual([
      ["alert alert-info alert-dismissible fade show", "on home"],
    ]);
  });
});

describe("examples/demo/server.js", () => {
  function run(env: Record<string, string | undefined>): ChildProcess & { output: () => string } {
    const { FLASH_SECRET: _secret, NODE_ENV: _nodeEnv, PORT: _port, ...inherited } = process.env;
    const child = spawn(process.execPath, [SERVER_JS], {
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    return Object.assign(child, { output: () => output });
  }

  function exited(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once("exit", (code) => resolve(code));
    });
  }

  it("refuses to start in production without FLASH_SECRET", async () => {
    const child = run({ NODE_ENV: "production", PORT: "0" });
    expect(await exited(child)).toBe(1);
    expect(child.output()).toMatch(/FLASH_SECRET is not set/);
    expect(child.output()).not.toMatch(/running at/);
  });

  it("refuses a FLASH_SECRET shorter than 32 bytes", async () => {
    const child = run({ FLASH_SECRET: "short", PORT: "0" });
    expect(await exited(child)).toBe(1);
    expect(child.output()).toMatch(/shorter than 32 bytes/);
  });

  it("starts with a random secret and a warning, prints its URL and serves the home page", async () => {
    const child = run({ PORT: "0" });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${child.output()}`)), 15_000);
        child.stdout?.on("data", () => {
          const match = /running at (http:\/\/\S+)/.exec(child.output());
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${child.output()}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(child.output()).toMatch(/warning: FLASH_SECRET is not set/);
      const home = await fetch(url);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("Flash messages, the Flask way");
    } finally {
      child.kill("SIGTERM");
      await exited(child);
    }
  });
});
