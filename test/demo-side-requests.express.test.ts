/**
 * The demo (examples/demo) under side requests: a HEAD, a prefetch or prerender, an image load or an
 * OPTIONS to the login page after a failed login leaves the error for the real navigation, which
 * shows it once. Needs the build (`npm run build`): the demo imports the package by name, which
 * resolves to dist/.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoApp } from "../examples/demo/app.js";
import { memoryStore } from "../src/index.js";
import { createBrowserClient } from "../src/testing/index.js";
import { SIDE_REQUESTS } from "./side-request-kinds.js";

const SECRET = "demo-test-secret-0123456789-0123456789-abcdef";
const ERROR = "Invalid username or password";

// The demo answers OPTIONS with Express's automatic `Allow` reply, which reads nothing: that row guards
// against a change that would make it read, and passes with or without flashkit's side-request rule.

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe.each([
  ["signed cookies (default)", () => ({ secret: SECRET })],
  ["memory store", () => ({ store: memoryStore() })],
] as const)("demo app with %s", (_name, options) => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = createDemoApp(options());
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(SIDE_REQUESTS)("%s to /login leaves the error for the navigation, shown once", async (_kind, init) => {
    const browser = createBrowserClient(base);
    // The login form's CSRF token, as a browser submitting the form sends it.
    const form = await (await browser.fetch("/login")).text();
    const token = /name="_csrf" value="([\w-]+)"/.exec(form)?.[1] ?? "";
    const posted = await browser.fetch("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: token, username: "demo", password: "nope" }).toString(),
      redirect: "manual",
    });
    expect(posted.status).toBe(302);

    const side = await browser.fetch("/login", init);
    expect(side.status).toBeLessThan(300);
    expect(side.headers.getSetCookie()).toEqual([]);
    if (init.method === undefined) expect(count(await side.text(), ERROR)).toBe(1);

    expect(count(await (await browser.fetch("/login")).text(), ERROR)).toBe(1);
    expect(await (await browser.fetch("/login")).text()).not.toContain(ERROR);
    expect(browser.cookies().filter((cookie) => cookie.name !== "demo_csrf")).toEqual([]);
  });
});
