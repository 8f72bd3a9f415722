import { describe, expect, it, vi } from "vitest";
import {
  brokenStore,
  expectBadConfigurationFails,
  expectBodyKinds,
  expectFailingRequestCommits,
  expectNowKeepPeek,
  expectProxiedResponse,
  expectRedirectFlow,
  expectRunsOnNode,
  expectSecretFromEnvironment,
  expectSigner,
  fetchClient,
  SIGNERS,
  slowStore,
} from "../../test/adapter-helpers.js";
import { SECRET } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { type FetchHandler, flashOf, flashTemplatesOf, withFlash } from "./fetch.js";

/** A tiny router: the routes every test shares, then `extra`, then a 404. */
function routes(extra: Record<string, FetchHandler> = {}): FetchHandler {
  const table: Record<string, FetchHandler> = {
    "/flash": (request) => {
      const query = new URL(request.url).searchParams;
      flashOf(request)(query.get("m") ?? "hello", query.get("c") ?? "message");
      return Response.redirect(new URL("/read", request.url), 302);
    },
    "/read": (request) => Response.json(flashOf(request).getFlashedMessages({ withCategories: true })),
    "/quiet": () => new Response("<p>no flash here</p>", { headers: { "Content-Type": "text/html" } }),
    ...extra,
  };
  return (request) =>
    (table[new URL(request.url).pathname] ?? (() => new Response("not found", { status: 404 })))(request);
}

/** A route that reads, flashes, then throws. */
const crash: FetchHandler = (request) => {
  flashOf(request).getFlashedMessages();
  flashOf(request)("never stored");
  throw new Error("boom");
};

describe.each(SIGNERS)("flashkit/fetch, cookie store on %s", (signer, makeStore) => {
  it(`signs ${signer === "Web Crypto" ? "asynchronously" : "synchronously"}`, async () => {
    await expectSigner(signer, makeStore);
  });

  it("flashes across an (immutable) Response.redirect, shows each message once, leaves quiet pages alone", async () => {
    const browser = fetchClient(withFlash(routes(), { store: await makeStore() }));
    await expectRedirectFlow(browser.get);
    const again = await browser.get("/flash?m=again");
    expect(again.res.headers.get("location")).toBe("http://app.test/read");
    await browser.get("/read");
    expect(browser.cookies.header()).toBe("");
  });

  it("commits onto every kind of response: HTML, JSON, streams, empty, several flashes", async () => {
    const browser = fetchClient(
      withFlash(
        routes({
          "/html": (request) => {
            flashOf(request)("h");
            return new Response("<p>html</p>", { headers: { "Content-Type": "text/html" } });
          },
          "/json": (request) => {
            flashOf(request)({ any: "json" }, "info");
            return Response.json({ ok: true });
          },
          "/stream": (request) => {
            flashOf(request)("s");
            const chunks = ["streamed ", "body"];
            return new Response(
              new ReadableStream({
                pull(controller) {
                  const chunk = chunks.shift();
                  if (chunk === undefined) controller.close();
                  else controller.enqueue(new TextEncoder().encode(chunk));
                },
              }),
            );
          },
          "/empty": (request) => {
            flashOf(request)("e");
            return new Response(null, { status: 204 });
          },
          "/many": async (request) => {
            const flash = flashOf(request);
            flash("one", "success");
            flash("two", "error");
            return new Response("many", { headers: [["Set-Cookie", "theme=dark; Path=/"]] });
          },
        }),
        { store: await makeStore() },
      ),
    );
    await expectBodyKinds(
      browser.get,
      [["/many", "many", 3]],
      [
        ["success", "one"],
        ["error", "two"],
      ],
    );
  });

  it("commits onto a proxied fetch() response: immutable headers with cookies of their own", async () => {
    await expectProxiedResponse(async (upstreamUrl) => {
      const routed = routes({
        "/proxy": (request) => {
          flashOf(request)("proxied");
          return fetch(upstreamUrl);
        },
      });
      return fetchClient(withFlash(routed, { store: await makeStore() })).get;
    });
  });

  it("runs on Node through @hono/node-server", async () => {
    await expectRunsOnNode(withFlash(routes(), { store: await makeStore() }));
  });
});

describe("flashkit/fetch", () => {
  it("refuses the session store at start-up: there is no session middleware", () => {
    expect(() => withFlash(() => new Response("x"), { store: sessionStore() })).toThrow(
      expect.objectContaining({
        code: "ERR_FLASH_CONFIG",
        message: expect.stringMatching(/flashkit\/fetch has no session middleware/),
      }),
    );
  });

  it("has the API of every adapter: flash.now, flash.keep, flash.peek, and template functions", async () => {
    const browser = fetchClient(
      withFlash(
        routes({
          "/now": (request) => {
            flashOf(request).now("this response only", "info");
            return Response.json(flashOf(request).getFlashedMessages());
          },
          "/peek": (request) => Response.json(flashOf(request).peek()),
          "/keep": (request) => {
            const read = flashOf(request).getFlashedMessages();
            flashOf(request).keep();
            return Response.json(read);
          },
          "/template": (request) => {
            const { get_flashed_messages, getFlashedMessages } = flashTemplatesOf(request);
            return Response.json({
              flask: get_flashed_messages({ __keywords: true, with_categories: true }),
              camel: getFlashedMessages({ categoryFilter: ["error"] }),
            });
          },
        }),
        { secret: SECRET },
      ),
    );
    await expectNowKeepPeek(browser.get);
    await browser.get("/flash?m=bad&c=error");
    expect(JSON.parse((await browser.get("/template")).text)).toEqual({ flask: [["error", "bad"]], camel: ["bad"] });
  });

  it("passes the runtime's extra arguments through (Workers' env and ctx)", async () => {
    const env = { GREETING: "hello" };
    const ctx = { waitUntil: vi.fn() };
    const handler = withFlash(
      (request: Request, e: typeof env, c: typeof ctx) => {
        flashOf(request)(e.GREETING);
        c.waitUntil("work");
        return new Response("ok");
      },
      { secret: SECRET },
    );
    const res = await handler(new Request("http://app.test/"), env, ctx);
    expect(ctx.waitUntil).toHaveBeenCalledWith("work");
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });

  it("waits for an asynchronous store's load and commit before answering", async () => {
    const events: string[] = [];
    const handler = withFlash(
      (request) => {
        flashOf(request)("slow but safe");
        return new Response("ok");
      },
      { store: slowStore(memoryStore(), events) },
    );
    const res = await handler(new Request("http://app.test/"));
    expect(events).toEqual(["committed"]);
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });

  it("commits nothing when the handler throws: what it read stays pending, the error propagates", async () => {
    const store = memoryStore();
    const handler = withFlash(
      routes({
        "/crash": crash,
      }),
      { store },
    );
    const browser = fetchClient(handler);
    await browser.get("/flash?m=still-pending");
    await expect(browser.get("/crash")).rejects.toThrow("boom");
    expect(JSON.parse((await browser.get("/read")).text)).toEqual([["message", "still-pending"]]);
    expect(store.size).toBe(0);
  });

  it("with the cookie store too, a throw commits nothing; a handler that answers its error with a 500 commits onto it", async () => {
    const handler = withFlash(
      routes({
        "/crash": crash,
        "/caught": (request) => {
          try {
            flashOf(request).getFlashedMessages();
            throw new Error("boom");
          } catch {
            flashOf(request)("Something went wrong", "error");
            return new Response("error page", { status: 500 });
          }
        },
      }),
      { secret: SECRET },
    );
    const browser = fetchClient(handler);
    await browser.get("/flash?m=still-pending");
    await expect(browser.get("/crash")).rejects.toThrow("boom");
    expect(JSON.parse((await browser.get("/read")).text)).toEqual([["message", "still-pending"]]);
    await expectFailingRequestCommits(browser.get, "/caught", ["error", "Something went wrong"]);
  });

  it("refuses flashOf() for a request that did not come through withFlash()", () => {
    const request = new Request("http://app.test/");
    expect(() => flashOf(request)).toThrowError(TypeError);
    expect(() => flashTemplatesOf(request)).toThrowError(/did not come through withFlash/);
  });

  it("accepts a createFlash() instance and lets a nested withFlash() share the outer one's state", async () => {
    const instance = createFlash({ store: memoryStore() });
    const inner = withFlash((request) => {
      flashOf(request)("once");
      return Response.json(flashOf(request).peek());
    }, instance);
    const res = await withFlash((request) => inner(request), instance)(new Request("http://app.test/"));
    expect(await res.json()).toEqual(["once"]);
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });

  it("fails at start-up on a bad configuration", () => {
    expectBadConfigurationFails((options) => withFlash(() => new Response(), options));
  });

  it("signs with FLASH_SECRET when given neither secret nor store", async () => {
    const handler = (request: Request) => {
      flashOf(request)("signed with FLASH_SECRET");
      return new Response(null, { status: 303, headers: { location: "/read" } });
    };
    await expectSecretFromEnvironment(
      () => withFlash(handler),
      async () => (await fetchClient(withFlash(handler)).get("/flash")).setCookies,
    );
  });

  it("refuses a flash after the response was handed back, instead of losing it silently", async () => {
    let request: Request | undefined;
    const res = await withFlash(
      (r) => {
        request = r;
        return new Response("done");
      },
      { secret: SECRET },
    )(new Request("http://app.test/"));
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(() => flashOf(request!)("too late")).toThrowError(
      expect.objectContaining({ code: "ERR_FLASH_HEADERS_SENT" }),
    );
  });

  it("answers with a warning when the store cannot commit, or the response cannot carry cookies", async () => {
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const flashing = (request: Request) => {
      flashOf(request)("lost, with a warning");
      return Response.error();
    };
    const failed = await withFlash(flashing, { store: brokenStore(), logger })(new Request("http://app.test/"));
    expect(failed.type).toBe("error");
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/could not commit.*backend down/));
    const uncopyable = await withFlash(flashing, { store: memoryStore(), logger })(new Request("http://app.test/"));
    expect(uncopyable.type).toBe("error");
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/cannot add Set-Cookie to a 0 response/));
  });
});
