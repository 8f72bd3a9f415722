/**
 * flashkit/astro commits onto whatever Astro answers, on the built Node server of test/astro-app:
 * a page whose layout reads while the body streams (and flashes after its read), a page that flashes
 * then reads, `Astro.redirect()`, an endpoint's `Response.redirect()` (immutable headers), a bare
 * 404 that Astro replaces with its 404 route (merging headers one per name), a page that throws
 * (Astro's 500.astro, rendered through the middleware again), a prerendered page (built without a
 * secret) and a prefetch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowserClient } from "../src/testing/index.js";
import { ASTRO_APPS, ASTRO_BUILD_TIMEOUT, type AstroServer, buildAstro, startAstro } from "./astro-server.js";

let server: AstroServer;

beforeAll(async () => {
  await buildAstro(ASTRO_APPS.protocol, { env: { FLASH_SECRET: undefined } });
  server = await startAstro(ASTRO_APPS.protocol, {
    env: { FLASH_SECRET: "responses-astro-secret-0123456789-0123456789" },
  });
}, ASTRO_BUILD_TIMEOUT);
afterAll(() => server?.close());

/** The messages a page of test/astro-app shows, as `[category, message]`. */
async function shown(response: Response): Promise<string[][]> {
  const html = await response.text();
  return [...html.matchAll(/<li data-category="([^"]*)">([^<]*)<\/li>/g)].map((match) => [match[1]!, match[2]!]);
}

describe("flashkit/astro on Astro's responses", () => {
  it("a layout's read consumes while the page streams; a flash after the read is kept for the next request", async () => {
    const browser = createBrowserClient(server.url);
    await browser.fetch("/pages/read?flash=first");
    expect(browser.cookies()).toHaveLength(1);
    const second = await browser.fetch("/pages/read?flash=second");
    expect(await shown(second)).toEqual([["info", "first"]]);
    expect(browser.cookies()).toHaveLength(1);
    expect(await shown(await browser.fetch("/pages/read"))).toEqual([["info", "second"]]);
    expect(await shown(await browser.fetch("/pages/read"))).toEqual([]);
    expect(browser.cookies()).toEqual([]);
  });

  it("a flash before the first read shows in this response and is never stored", async () => {
    const browser = createBrowserClient(server.url);
    const response = await browser.fetch("/pages/now");
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await shown(response)).toEqual([["success", "flashed then read"]]);
  });

  it("Astro.redirect() carries the commit", async () => {
    const browser = createBrowserClient(server.url);
    const response = await browser.fetch("/pages/redirect");
    expect(response.url).toBe(`${server.url}/pages/read`);
    expect(await shown(response)).toEqual([["success", "from Astro.redirect"]]);
    expect(browser.cookies()).toEqual([]);
  });

  it("an endpoint's Response.redirect() (immutable headers) carries the commit", async () => {
    const browser = createBrowserClient(server.url);
    const redirect = await browser.fetch("/pages/immutable", { method: "POST", redirect: "manual" });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.getSetCookie()).toHaveLength(1);
    expect(await shown(await browser.fetch("/pages/read"))).toEqual([["info", "from an immutable response"]]);
  });

  it("a bare 404 keeps every Set-Cookie through Astro's 404 route", async () => {
    const browser = createBrowserClient(server.url);
    const response = await browser.fetch("/pages/gone", { method: "POST" });
    expect(response.status).toBe(404);
    expect(response.headers.getSetCookie()).toHaveLength(2);
    expect(await shown(await browser.fetch("/pages/read"))).toEqual([
      ["info", "first of two"],
      ["info", "second of two"],
    ]);
  });

  it("a page that throws: its flash reaches Astro's 500 page", async () => {
    const browser = createBrowserClient(server.url);
    const response = await browser.fetch("/pages/throw");
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("Something went wrong");
    expect(await shown(await browser.fetch("/pages/read"))).toEqual([["error", "flashed before an error"]]);
  });

  it("a prerendered page, built without FLASH_SECRET, shows no messages", async () => {
    const browser = createBrowserClient(server.url);
    await browser.fetch("/pages/read?flash=pending");
    const response = await browser.fetch("/pages/static");
    expect(await response.text()).toContain("0 messages");
    expect(browser.cookies()).toHaveLength(1);
  });

  it("a forged or truncated flash cookie reads as no message, never an error", async () => {
    const browser = createBrowserClient(server.url);
    await browser.fetch("/pages/read?flash=genuine");
    const [genuine] = browser.cookies();
    const forged = `${genuine!.name}=${genuine!.value.slice(0, -4)}AAAA; flash.0forged=WyJlcnJvciIsIngiXQ.AAAA`;
    const response = await fetch(`${server.url}/pages/read`, { headers: { cookie: forged } });
    expect(response.status).toBe(200);
    expect(await shown(response)).toEqual([]);
  });

  it("a prefetch shows pending messages, consumes nothing and is not to be cached", async () => {
    const browser = createBrowserClient(server.url);
    await browser.fetch("/pages/read?flash=pending");
    const prefetch = await browser.fetch("/pages/read", { headers: { "sec-purpose": "prefetch" } });
    expect(prefetch.headers.get("cache-control")).toBe("no-store");
    expect(prefetch.headers.getSetCookie()).toEqual([]);
    expect(await shown(prefetch)).toEqual([["info", "pending"]]);
    expect(await shown(await browser.fetch("/pages/read"))).toEqual([["info", "pending"]]);
    expect(browser.cookies()).toEqual([]);
  });
});
