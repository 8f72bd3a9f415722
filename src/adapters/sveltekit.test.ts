import { isRedirect, type RequestEvent, type ResolveOptions } from "@sveltejs/kit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SECRET } from "../../test/helpers.js";
import { FlashError } from "../core/errors.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { createCookieJar } from "../testing/cookie-jar.js";
import { createSvelteKitFlash, type FlashPageData, flashData, loadFlash, redirect, setFlash } from "./sveltekit.js";

/**
 * A browser's cookies over SvelteKit's hook, called as SvelteKit calls it: an event per request, and a
 * `resolve` standing for the route (a load, an action), whose thrown redirect SvelteKit turns into a
 * response (a 303 for a document, a 200 whose JSON says so for `__data.json`).
 */
function browser(handle = createSvelteKitFlash({ secret: SECRET }).handle) {
  const jar = createCookieJar();
  const send = async (
    path: string,
    route: (event: RequestEvent) => unknown,
    {
      method = "GET",
      dataRequest = false,
      body,
      type,
    }: { method?: string; dataRequest?: boolean; body?: string; type?: string } = {},
  ) => {
    const url = new URL(`http://app.test${path}`);
    const headers: Record<string, string> = {
      cookie: jar.header(),
      "sec-fetch-dest": dataRequest ? "empty" : "document",
    };
    if (type) headers["content-type"] = type;
    const event = {
      locals: {},
      url,
      request: new Request(url, { method, headers, body }),
      isDataRequest: dataRequest,
      depends: vi.fn(),
    } as unknown as RequestEvent;
    const resolve = async (event: RequestEvent, _options?: ResolveOptions) => {
      try {
        const value = await route(event);
        return value instanceof Response ? value : Response.json(value ?? null);
      } catch (error) {
        if (!isRedirect(error)) throw error;
        return dataRequest
          ? Response.json({ type: "redirect", location: error.location })
          : new Response(null, { status: error.status, headers: { location: error.location } });
      }
    };
    const response = await handle({ event, resolve });
    jar.apply(response.headers.getSetCookie());
    return { response, event };
  };
  const confirm = (data: FlashPageData) =>
    send(data.endpoint, () => undefined, {
      method: "POST",
      type: "application/json",
      body: JSON.stringify({ consume: data.ids }),
    });
  return { send, confirm, cookies: () => jar.header() };
}

const layoutLoad = loadFlash<RequestEvent, { user: string }>(async () => ({ user: "ada" }));
const read = (event: RequestEvent) => layoutLoad(event);

describe("flashkit/sveltekit's hook", () => {
  it("a form action flashes and redirects; the next document's layout load shows it once", async () => {
    const client = browser();
    const posted = await client.send("/profile", (event) => redirect("/profile", "Saved", event, "success"), {
      method: "POST",
    });
    expect(posted.response.status).toBe(303);
    expect(posted.response.headers.get("location")).toBe("/profile");
    const page = await client.send("/profile", read);
    expect(await page.response.json()).toMatchObject({
      user: "ada",
      flash: { messages: [["success", "Saved"]], pending: false },
    });
    expect(client.cookies()).toBe("");
    const again = await client.send("/profile", read);
    expect((await again.response.json()).flash.messages).toEqual([]);
  });

  it("installs Flask's flash() on event.locals, with several messages and Flask's read", async () => {
    const client = browser();
    await client.send("/", (event) => {
      event.locals.flash("one", "info");
      event.locals.flash("two", "error");
      event.locals.flash("three");
      return null;
    });
    const { response } = await client.send("/", (event) => ({
      all: event.locals.flash.getFlashedMessages({ withCategories: true }),
      errors: event.locals.flash.getFlashedMessages({ categoryFilter: ["error"] }),
    }));
    expect(await response.json()).toEqual({
      all: [
        ["info", "one"],
        ["error", "two"],
        ["message", "three"],
      ],
      errors: ["two"],
    });
    expect(client.cookies()).toBe("");
  });

  it("a __data.json request consumes nothing; the store's confirmation removes exactly what it showed", async () => {
    const client = browser();
    await client.send("/", (event) => setFlash("First", event, "info"), { method: "POST" });
    const preload = await client.send("/login", read, { dataRequest: true });
    const data = (await preload.response.json()).flash as FlashPageData;
    expect(data).toMatchObject({ messages: [["info", "First"]], pending: true, endpoint: "/_flashkit" });
    expect(client.cookies()).not.toBe("");
    // Another tab flashes after the preload: the confirmation leaves that one.
    await client.send("/", (event) => setFlash("Second", event, "info"), { method: "POST" });
    const confirmed = await client.confirm(data);
    expect(confirmed.response.status).toBe(204);
    const next = await client.send("/", read);
    expect((await next.response.json()).flash.messages).toEqual([["info", "Second"]]);
  });

  it("a redirect from a layout load keeps what the loads read and flashed, for a document and for __data.json", async () => {
    for (const dataRequest of [false, true]) {
      const client = browser();
      await client.send("/", (event) => setFlash("Pending", event), { method: "POST" });
      const guarded = await client.send(
        "/admin",
        async (event) => {
          // The root layout's load and the guarded layout's run together: the guard flashes first.
          const root = read(event);
          redirect("/login", "Please log in", event, "warning");
          return root;
        },
        { dataRequest },
      );
      expect(guarded.response.status).toBe(dataRequest ? 200 : 303);
      const page = await client.send("/login", read);
      expect((await page.response.json()).flash.messages).toEqual([
        ["message", "Pending"],
        ["warning", "Please log in"],
      ]);
      expect(client.cookies()).toBe("");
    }
  });

  it("the endpoint's read consumes every pending message (after a use:enhance fail())", async () => {
    const client = browser();
    await client.send("/login", (event) => setFlash("Invalid username or password", event, "error"), {
      method: "POST",
    });
    const { response } = await client.send("/_flashkit", () => undefined, {
      method: "POST",
      type: "application/json",
      body: "{}",
    });
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ messages: [["error", "Invalid username or password"]] });
    expect(client.cookies()).toBe("");
  });

  it("the endpoint option (for paths.base) moves the endpoint, and the loads tell the store where", async () => {
    const client = browser(createSvelteKitFlash({ secret: SECRET, endpoint: "/base/_flashkit" }).handle);
    await client.send("/base/", (event) => setFlash("Moved", event), { method: "POST" });
    const data = (await (await client.send("/base/", read, { dataRequest: true })).response.json()).flash;
    expect(data.endpoint).toBe("/base/_flashkit");
    expect((await client.confirm(data)).response.status).toBe(204);
    expect(client.cookies()).toBe("");
    // The default path is now an ordinary URL of the app.
    const { response } = await client.send("/_flashkit", () => ({ route: true }), { method: "POST" });
    expect(await response.json()).toEqual({ route: true });
  });

  it("works over memoryStore() too: the preload peeks, the confirmation removes", async () => {
    const client = browser(createSvelteKitFlash({ store: memoryStore() }).handle);
    await client.send("/", (event) => setFlash("In memory", event, "info"), { method: "POST" });
    const data = (await (await client.send("/", read, { dataRequest: true })).response.json()).flash;
    expect(data.messages).toEqual([["info", "In memory"]]);
    expect((await (await client.send("/", read, { dataRequest: true })).response.json()).flash.messages).toHaveLength(
      1,
    );
    await client.confirm(data);
    expect((await (await client.send("/", read)).response.json()).flash.messages).toEqual([]);
  });

  it("the endpoint takes a JSON POST only", async () => {
    const client = browser();
    expect((await client.send("/_flashkit", () => undefined)).response.status).toBe(405);
    const text = await client.send("/_flashkit", () => undefined, { method: "POST", type: "text/plain", body: "{}" });
    expect(text.response.status).toBe(415);
    const broken = await client.send("/_flashkit", () => undefined, {
      method: "POST",
      type: "application/json",
      body: "{",
    });
    expect(broken.response.status).toBe(400);
  });

  it("composes: a second flashkit hook in the same request reuses the first one's jar", async () => {
    const { handle } = createSvelteKitFlash({ secret: SECRET });
    const twice: typeof handle = ({ event, resolve }) =>
      handle({ event, resolve: (e) => handle({ event: e, resolve }) });
    const client = browser(twice);
    await client.send("/", (event) => setFlash("once", event), { method: "POST" });
    const { response } = await client.send("/", read);
    expect((await response.json()).flash.messages).toEqual([["message", "once"]]);
  });

  it("a forged cookie reads as no message", async () => {
    const other = browser(createSvelteKitFlash({ secret: `${SECRET}-other` }).handle);
    await other.send("/", (event) => setFlash("forged", event), { method: "POST" });
    const forgedCookie = other.cookies();
    const { handle } = createSvelteKitFlash({ secret: SECRET });
    const url = new URL("http://app.test/");
    const event = {
      locals: {},
      url,
      request: new Request(url, { headers: { cookie: forgedCookie } }),
      isDataRequest: false,
      depends() {},
    } as unknown as RequestEvent;
    const response = await handle({ event, resolve: async (e) => Response.json(await read(e)) });
    expect((await response.json()).flash.messages).toEqual([]);
  });
});

describe("redirect(), setFlash() and loadFlash()", () => {
  it("redirect() takes sveltekit-flash-message's signatures, with an optional category last", async () => {
    const client = browser();
    const cases: [string, (event: RequestEvent) => never, number, string][] = [
      ["(status, location)", () => redirect(307, "/a"), 307, "/a"],
      ["(location, message, event)", (event) => redirect("/b", "B", event), 303, "/b"],
      ["(status, location, message, event, category)", (event) => redirect(302, "/c", "C", event, "info"), 302, "/c"],
      ["(message, event) to the current URL", (event) => redirect("D", event, "success"), 303, "/here?x=1"],
    ];
    for (const [, route, status, location] of cases) {
      const { response } = await client.send("/here?x=1", route, { method: "POST" });
      expect([response.status, response.headers.get("location")]).toEqual([status, location]);
    }
    const { response } = await client.send("/", read);
    expect((await response.json()).flash.messages).toEqual([
      ["message", "B"],
      ["info", "C"],
      ["success", "D"],
    ]);
  });

  it("flashData() reads the URL (so SvelteKit reruns the load on navigation) and declares flashkit:messages", async () => {
    const client = browser();
    const { event } = await client.send("/", (event) => flashData(event));
    expect((event as unknown as { depends: unknown }).depends).toHaveBeenCalledWith("flashkit:messages");
  });

  it("without flashkit's hook: ERR_FLASH_CONFIG saying where to add it", () => {
    const event = { locals: {}, url: new URL("http://app.test/") };
    expect(() => setFlash("x", event)).toThrow(FlashError);
    expect(() => flashData(event)).toThrow(/src\/hooks\.server\.ts/);
  });
});

describe("configuration", () => {
  const environment = { ...process.env };
  afterEach(() => {
    process.env = { ...environment };
  });

  it("makes nothing at import or creation: production without FLASH_SECRET fails on the first request", async () => {
    process.env.NODE_ENV = "production";
    delete process.env.FLASH_SECRET;
    const { handle } = createSvelteKitFlash();
    const client = browser(handle);
    await expect(client.send("/", () => null)).rejects.toThrow(/FLASH_SECRET/);
  });

  it("refuses the session store on the first request, and an endpoint that is not a path at once", async () => {
    const client = browser(createSvelteKitFlash({ store: sessionStore() }).handle);
    await expect(client.send("/", () => null)).rejects.toMatchObject({ code: "ERR_FLASH_CONFIG" });
    expect(() => createSvelteKitFlash({ endpoint: "_flashkit" })).toThrow(TypeError);
  });
});
