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

  post(path: string, form: Record<string, string>): Promise<Reply> {
    return this.request("POST", path, new URLSearchParams(form).toString());
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
    return {
      status: response.status,
      location: response.headers.get("location"),
      setCookies: response.headers.getSetCookie(),
      contentType: response.headers.get("content-type"),
      text: await response.text(),
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

const stores = [
  ["signed cookies (default)", () => ({ secret: SECRET })],
  ["memory store", () => ({ store: memoryStore() })],
] as const;

describe.each(stores)("demo app with %s", (_name, options) => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    ({ server, base } = await listen(options()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("wrong password: the login page shows the error once, in an alert-danger, and not on reload", async () => {
    const browser = new Browser(base);
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
    const browser = new Browser(base);
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
    const browser = new Browser(base);
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
    const browser = new Browser(base);
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
    const browser = new Browser(base);
    const payload = Buffer.from(JSON.stringify({ username: "demo", name: "x", email: "x@example.com" })).toString(
      "base64url",
    );
    expect((await browser.get("/profile", `demo_user=${payload}.${"A".repeat(43)}`)).location).toBe("/login");
  });

  it("pages with no pending message send no Set-Cookie", async () => {
    const browser = new Browser(base);
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
    const browser = new Browser(base);
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
    const browser = new Browser(base);
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
  let server: Server;
  let base: string;

  beforeAll(async () => {
    ({ server, base } = await listen({ secret: SECRET }));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("switches the theme with a cookie; every page then renders flashkit's markup for it", async () => {
    const browser = new Browser(base);
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
    const browser = new Browser(base);
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
    const browser = new Browser(base);
    const page = await browser.get("/partial");
    expect(page.text).toContain('data-flash-autodismiss=""');
    expect(page.text).toContain('hx-post="/partial/htmx"');

    const post = (path: string) => browser.client.fetch(path, { method: "POST", redirect: "manual" });
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
    const browser = new Browser(base);
    await browser.post("/login", { username: "demo", password: "nope" });
    await browser.client.fetch("/partial/ping");
    expect(alerts((await browser.get("/login")).text)).toEqual([
      ["alert alert-danger alert-dismissible fade show", "Invalid username or password"],
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
