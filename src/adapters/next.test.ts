import { NextRequest } from "next/server.js";
import { afterEach, describe, expect, it, vi } from "vitest";

/** What `headers()` and `cookies()` of next/headers return in these tests: one request at a time. */
const nextRequest = vi.hoisted(() => ({
  headers: new Headers(),
  set: [] as { name: string; value: string }[],
}));
vi.mock("next/headers.js", () => ({
  headers: async () => nextRequest.headers,
  cookies: async () => ({ set: (cookie: { name: string; value: string }) => nextRequest.set.push(cookie) }),
}));

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

describe("reads in Server Components", () => {
  const api = createNextFlash({ secret: SECRET });
  const render = (headers: Record<string, string>) => {
    nextRequest.headers = new Headers(headers);
    return api.getFlashedMessages({ withCategories: true });
  };

  it("show what the proxy consumed and handed over, the same list on every read of the render", async () => {
    const cookie = heldCookie();
    expect(await render({ [PROXY_HEADER]: "consumed", [HANDOVER_HEADER]: cookie })).toEqual([["success", "Saved"]]);
    expect(await api.getFlashedMessages()).toEqual(["Saved"]);
    expect(await api.getFlashedMessages({ categoryFilter: ["error"] })).toEqual([]);
  });

  it("show nothing where the proxy consumed nothing (a prefetch, a server action)", async () => {
    expect(await render({ [PROXY_HEADER]: "kept;rsc", rsc: "1", cookie: heldCookie() })).toEqual([]);
  });

  it("show the messages of a server action's redirect, marked pending for the client part's refresh", async () => {
    nextRequest.headers = new Headers({ [PROXY_HEADER]: "action-redirect;rsc", rsc: "1", cookie: heldCookie() });
    const element = (await api.FlashMessages({})) as unknown as { props: { pending: boolean; html: string } };
    expect(element.props.pending).toBe(true);
    expect(element.props.html).toContain("Saved");
  });

  it("fail with ERR_FLASH_CONFIG where the proxy did not run, or could not see Next's RSC headers", async () => {
    await expect(render({ cookie: heldCookie() })).rejects.toThrow(/did not pass through flashkit's proxy/);
    await expect(render({ [PROXY_HEADER]: "kept", rsc: "1" })).rejects.toThrow(/skipProxyUrlNormalize: true/);
  });
});

describe("withFlash", () => {
  const api = createNextFlash({ secret: SECRET });

  it("commits through cookies().set(), one cookie per message, when the handler returns", async () => {
    nextRequest.headers = new Headers();
    nextRequest.set = [];
    const handler = api.withFlash(async () => {
      api.flash("one", "success");
      api.flash("two", "error");
      return "done";
    });
    expect(await handler()).toBe("done");
    expect(nextRequest.set.map((cookie) => cookie.name)).toEqual([
      expect.stringMatching(/^flash\./),
      expect.stringMatching(/^flash\./),
    ]);
    expect(new Set(nextRequest.set.map((cookie) => cookie.name)).size).toBe(2);
  });

  it("commits before Next's redirect() propagates, and not before another error", async () => {
    nextRequest.set = [];
    const redirect = Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;push;/profile;307;" });
    await expect(
      api.withFlash(async () => {
        api.flash("Profile updated successfully!", "success");
        throw redirect;
      })(),
    ).rejects.toBe(redirect);
    expect(nextRequest.set).toHaveLength(1);
    nextRequest.set = [];
    await expect(
      api.withFlash(async () => {
        api.flash("lost", "error");
        throw new Error("boom");
      })(),
    ).rejects.toThrow("boom");
    expect(nextRequest.set).toEqual([]);
  });

  it("reads with Flask's semantics: a flash before the first read is returned at once and never stored", async () => {
    nextRequest.headers = new Headers({ cookie: heldCookie() });
    nextRequest.set = [];
    const results = await api.withFlash(async () => {
      api.flash("now", "info");
      const read = await api.getFlashedMessages();
      api.flash("later", "info");
      return read;
    })();
    expect(results).toEqual(["Saved", "now"]);
    expect(nextRequest.set.map((cookie) => cookie.value === "")).toEqual([true, false]);
  });
});

describe("withFlash when the store cannot commit", () => {
  const unreachable = {
    name: "unreachable",
    maxBytes: 4096,
    load: () => [],
    measure: () => 64,
    commit: () => Promise.reject(new FlashError("ERR_FLASH_STORE_UNAVAILABLE", "the store is unreachable")),
  };
  const replacement = new Response("could not keep it", { status: 503 });
  const onCommitError = vi.fn(() => replacement);
  const logger = { debug: () => {}, warn: vi.fn() };
  const api = createNextFlash({ store: unreachable, onCommitError, logger });

  it("a route handler's response is replaced by onCommitError's, after the warning", async () => {
    nextRequest.headers = new Headers();
    const handler = api.withFlash(async (_request: Request) => {
      api.flash("Saved", "success");
      return new Response("ok");
    });
    expect(await handler(new Request("http://127.0.0.1/save", { method: "POST" }))).toBe(replacement);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("ERR_FLASH_STORE_UNAVAILABLE"));
  });

  it("a server action keeps its result (React cannot take a Response); the hook still hears of it", async () => {
    onCommitError.mockClear();
    const action = api.withFlash(async (form: FormData) => {
      api.flash(String(form.get("name")), "success");
      return { saved: true };
    });
    const form = new FormData();
    form.set("name", "Ada");
    expect(await action(form)).toEqual({ saved: true });
    expect(onCommitError).toHaveBeenCalledOnce();
  });
});
