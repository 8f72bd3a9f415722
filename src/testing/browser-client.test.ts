import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowserClient } from "./browser-client.js";
import { type StartedServer, startServer } from "./server.js";

/** Each route sets the cookies named in the query (`?set=a%3D1%3B%20Path%3D%2F`) and echoes what it got. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  const setCookies = url.searchParams.getAll("set");
  if (setCookies.length > 0) res.setHeader("Set-Cookie", setCookies);
  const delay = Number(url.searchParams.get("delay") ?? 0);
  const redirect = url.searchParams.get("redirect");
  setTimeout(() => {
    if (redirect) {
      res.writeHead(Number(url.searchParams.get("status") ?? 303), { Location: redirect }).end();
      return;
    }
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ method: req.method, path: url.pathname, cookie: req.headers.cookie ?? "" }));
  }, delay);
}

const q = (...cookies: string[]) => cookies.map((c) => `set=${encodeURIComponent(c)}`).join("&");

describe("createBrowserClient", () => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServer(handler);
  });
  afterAll(() => server?.close());

  it("stores cookies, sends them back, and deletes them on Max-Age=0 or a past Expires", async () => {
    const browser = createBrowserClient(server.url);
    await browser.fetch(`/a?${q("x=1; Path=/", "y=2; Path=/; Max-Age=60", "z=3; Path=/")}`);
    expect(browser.cookieHeader("/")).toBe("x=1; y=2; z=3");
    const echoed = await (await browser.fetch("/echo")).json();
    expect(echoed.cookie).toBe("x=1; y=2; z=3");
    await browser.fetch(`/a?${q("x=; Path=/; Max-Age=0", "z=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")}`);
    expect(browser.cookies().map((c) => c.name)).toEqual(["y"]);
    browser.clear();
    expect(browser.cookieHeader()).toBe("");
  });

  it("ignores a cookie whose name=value passes 4096 bytes, keeping the earlier one of that name", async () => {
    const browser = createBrowserClient(server.url);
    await browser.fetch(`/?${q("big=small; Path=/")}`);
    await browser.fetch(`/?${q(`big=${"x".repeat(4093)}; Path=/`)}`);
    expect(browser.cookieHeader()).toBe("big=small");
    await browser.fetch(`/?${q(`big=${"x".repeat(4092)}; Path=/`)}`);
    expect(browser.cookieHeader()).toBe(`big=${"x".repeat(4092)}`);
  });

  it("honours Path: the default path, path-matching, one cookie per name and path", async () => {
    const browser = createBrowserClient(server.url);
    await browser.fetch(`/dir/page?${q("d=1", "root=1; Path=/", "root=2; Path=/dir")}`);
    expect(browser.cookies().map((c) => [c.name, c.path])).toEqual([
      ["d", "/dir"],
      ["root", "/dir"],
      ["root", "/"],
    ]);
    expect(browser.cookieHeader("/dir/x")).toBe("d=1; root=2; root=1");
    expect(browser.cookieHeader("/dirt")).toBe("root=1");
    expect(browser.cookieHeader("/")).toBe("root=1");
  });

  it("applies Set-Cookie as each response arrives when requests overlap", async () => {
    const browser = createBrowserClient(server.url);
    const slow = browser.fetch(`/slow?delay=60&${q("slow=1; Path=/")}`);
    await browser.fetch(`/fast?${q("fast=1; Path=/")}`);
    expect(browser.cookieHeader()).toBe("fast=1");
    const first = (await (await slow).json()) as { cookie: string };
    expect(first.cookie).toBe(""); // it left before either response arrived
    expect(browser.cookieHeader()).toBe("fast=1; slow=1");
  });

  it("follows redirects hop by hop, applying each hop's cookies; 303 after POST becomes a GET", async () => {
    const browser = createBrowserClient(server.url);
    const response = await browser.fetch(`/post?redirect=%2Fdone&${q("hop=1; Path=/")}`, {
      method: "POST",
      body: "x",
      headers: { "Content-Type": "text/plain" },
    });
    expect(await response.json()).toEqual({ method: "GET", path: "/done", cookie: "hop=1" });
    const manual = await browser.fetch("/post?redirect=%2Fdone&status=307", { method: "POST", redirect: "manual" });
    expect(manual.status).toBe(307);
  });

  it("refuses to follow a redirect to another origin", async () => {
    const browser = createBrowserClient(server.url);
    await expect(browser.fetch("/x?redirect=http%3A%2F%2Fexample.com%2F")).rejects.toThrow(/only talks to/);
  });
});
