import { NextRequest } from "next/server.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import { cookieStore } from "../stores/cookie.js";
import { memoryStore } from "../stores/memory.js";
import { createNextFlash, HANDOVER_HEADER, isNextSideRequest, PROXY_HEADER, parseSetCookie } from "./next.js";

const SECRET = "next-unit-secret-0123456789-0123456789";

/** A browser holding one flash cookie, made by the cookie store's own commit. */
function heldCookie(): string {
  let header = "";
  const jar = createFlash({ store: cookieStore({ secret: SECRET }) }).open({
    cookieHeader: undefined,
    appendSetCookie: (value) => {
      header = value.split(";")[0]!;
    },
  });
  jar.flash("Saved", "success");
  jar.commit();
  return header;
}

const request = (headers: Record<string, string>, method = "GET") =>
  new NextRequest("http://127.0.0.1/profile", { method, headers: { cookie: heldCookie(), ...headers } });
const forwarded = (response: Response, name: string) => response.headers.get(`x-middleware-request-${name}`);

describe("the proxy", () => {
  const { proxy } = createNextFlash({ secret: SECRET });

  it("consumes on a document load and hands the cookies it consumed to the render", async () => {
    const sent = request({ "sec-fetch-dest": "document" });
    const response = await proxy(sent);
    expect(forwarded(response, PROXY_HEADER)).toBe("consumed");
    expect(forwarded(response, HANDOVER_HEADER)).toBe(sent.headers.get("cookie"));
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^flash\.[^=]+=; Max-Age=0/)]);
  });

  it("consumes on a client-side navigation that renders the flash slot, and on router.refresh()", async () => {
    const withSlot = encodeURIComponent(JSON.stringify(["", { children: ["profile", {}], flash: ["(__SLOT__)", {}] }]));
    const refresh = encodeURIComponent(JSON.stringify(["", { children: ["profile", {}] }, null, "refetch"]));
    for (const tree of [withSlot, refresh]) {
      const response = await proxy(request({ rsc: "1", "next-router-state-tree": tree }));
      expect(forwarded(response, PROXY_HEADER)).toBe("consumed;rsc");
      expect(response.headers.getSetCookie()).toHaveLength(1);
    }
  });

  it("turns a client-side navigation that would not render <FlashMessages> into a page load", async () => {
    const tree = encodeURIComponent(JSON.stringify(["", { children: ["profile", {}] }]));
    const response = await proxy(request({ rsc: "1", "next-router-state-tree": tree }));
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["a <Link> prefetch", { rsc: "1", "next-router-prefetch": "1" }, "GET"],
    ["a segment prefetch", { rsc: "1", "next-router-segment-prefetch": "/_tree" }, "GET"],
    ["a speculation-rules prefetch", { "sec-purpose": "prefetch", "sec-fetch-dest": "document" }, "GET"],
    ["a server action", { "next-action": "abc", rsc: "1" }, "POST"],
    ["a form post", { "sec-fetch-dest": "document" }, "POST"],
    ["a fetch()", { "sec-fetch-dest": "empty" }, "GET"],
    ["an image load", { "sec-fetch-dest": "image" }, "GET"],
  ])("consumes nothing on %s", async (_label, headers, method) => {
    const response = await proxy(request(headers, method));
    expect(forwarded(response, PROXY_HEADER)).toMatch(/^kept/);
    expect(forwarded(response, HANDOVER_HEADER)).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("drops a handover header the client sent", async () => {
    const response = await proxy(request({ "sec-fetch-dest": "image", [HANDOVER_HEADER]: "flash.x=forged" }));
    expect(forwarded(response, HANDOVER_HEADER)).toBeNull();
  });

  it("marks Next's own request for the page a server action redirected to", async () => {
    const response = await proxy(request({ rsc: "1", "x-action-redirect": "/profile;push" }));
    expect(forwarded(response, PROXY_HEADER)).toBe("action-redirect;rsc");
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe("createNextFlash", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("checks nothing when created, so next build needs no secret; the first request gets ERR_FLASH_CONFIG", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("FLASH_SECRET", "");
    const { proxy } = createNextFlash();
    const error = await proxy(request({ "sec-fetch-dest": "document" })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlashError);
    expect(error).toMatchObject({ code: "ERR_FLASH_CONFIG", message: expect.stringContaining("FLASH_SECRET") });
  });

  it("refuses the memory store, which the proxy's bundle would not share", async () => {
    const { proxy } = createNextFlash({ store: memoryStore() });
    await expect(proxy(request({}))).rejects.toMatchObject({ code: "ERR_FLASH_CONFIG" });
  });

  it("refuses flash() outside withFlash(), where a Server Component cannot set cookies", () => {
    const { flash } = createNextFlash({ secret: SECRET });
    expect(() => flash("x")).toThrow(/works only inside withFlash\(\)/);
    expect(() => flash.now("x")).toThrow(/flash\.now\(\) works only inside withFlash\(\)/);
  });
});

describe("isNextSideRequest", () => {
  const headers = (record: Record<string, string>) => new Headers(record);
  it("knows Next's prefetch headers beside flashkit's side requests", () => {
    expect(isNextSideRequest("GET", headers({ "next-router-prefetch": "1" }))).toBe(true);
    expect(isNextSideRequest("GET", headers({ "next-router-segment-prefetch": "/_tree" }))).toBe(true);
    expect(isNextSideRequest("HEAD", headers({}))).toBe(true);
    expect(isNextSideRequest("GET", headers({ rsc: "1" }))).toBe(false);
    expect(isNextSideRequest("GET", headers({ "next-router-prefetch": "0" }))).toBe(false);
  });
});

describe("parseSetCookie", () => {
  it("turns a store's Set-Cookie header into cookies().set()'s object", () => {
    expect(
      parseSetCookie(
        "flash.a=b.c; Path=/app; Domain=example.com; Max-Age=600; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict; Priority=Low; Partitioned",
      ),
    ).toEqual({
      name: "flash.a",
      value: "b.c",
      path: "/app",
      domain: "example.com",
      maxAge: 600,
      expires: new Date(0),
      httpOnly: true,
      secure: true,
      sameSite: "strict",
      priority: "low",
      partitioned: true,
    });
  });

  it("reads the store's own expiry", () => {
    let expiry = "";
    const store = cookieStore({ secret: SECRET });
    store.commit({ cookieHeader: undefined, appendSetCookie: (value) => (expiry = value) }, {
      remove: [{ id: "0hos1ozvn0w148eff", category: "x", message: "y" }],
      add: [],
    } as never);
    expect(parseSetCookie(expiry)).toMatchObject({ name: "flash.0hos1ozvn0w148eff", value: "", maxAge: 0 });
  });
});
