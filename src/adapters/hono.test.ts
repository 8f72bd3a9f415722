import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { jsx } from "hono/jsx";
import { jsxRenderer, useRequestContext } from "hono/jsx-renderer";
import { stream, streamText } from "hono/streaming";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  brokenStore,
  expectBadConfigurationFails,
  expectBodyKinds,
  expectNowKeepPeek,
  expectProxiedResponse,
  expectRedirectFlow,
  expectRunsOnNode,
  expectSecretFromEnvironment,
  expectSigner,
  FORGED_COOKIES,
  fetchClient,
  recordErrorCode,
  SIGNERS,
  slowStore,
} from "../../test/adapter-helpers.js";
import { SECRET } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import { cookieStore } from "../stores/cookie.js";
import { memoryStore } from "../stores/memory.js";
import { sessionStore } from "../stores/session.js";
import { flash } from "./hono.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** `app.request()` as a browser calls it. */
const client = (app: Hono) => fetchClient((request) => app.request(request));

/** A layout component reading the messages the way a Hono JSX app does. */
const Flashes = () => {
  const c = useRequestContext();
  const pairs = c.var.getFlashedMessages({ withCategories: true }) as Array<[string, string]>;
  return jsx("ul", {}, ...pairs.map(([category, message]) => jsx("li", { class: category }, message)));
};

describe.each(SIGNERS)("flashkit/hono, cookie store on %s", (signer, makeStore) => {
  async function makeApp(configure: (app: Hono) => void = () => {}) {
    const app = new Hono();
    app.use(flash({ store: await makeStore() }));
    app.get("/flash", (c) => {
      c.var.flash(c.req.query("m") ?? "hello", c.req.query("c") ?? "message");
      return c.redirect("/read");
    });
    app.get("/read", (c) => c.json(c.var.getFlashedMessages({ withCategories: true })));
    app.get("/quiet", (c) => c.html("<p>no flash here</p>"));
    configure(app);
    return app;
  }

  it(`signs ${signer === "Web Crypto" ? "asynchronously" : "synchronously"}`, async () => {
    await expectSigner(signer, makeStore);
  });

  it("flashes across a redirect, shows each message once, and leaves quiet pages alone", async () => {
    const browser = client(await makeApp());
    await expectRedirectFlow(browser.get);
    expect(browser.cookies.header()).toBe("");
  });

  it("commits onto every kind of response: HTML, JSON, text, streams, empty, immutable redirects", async () => {
    const browser = client(
      await makeApp((app) => {
        app.get("/html", (c) => {
          c.var.flash("h");
          return c.html("<p>html</p>");
        });
        app.get("/json", (c) => {
          c.var.flash({ any: "json" }, "info");
          return c.json({ ok: true });
        });
        app.get("/stream", (c) => {
          c.var.flash("s");
          return streamText(c, async (s) => {
            await s.write("streamed ");
            await s.sleep(5);
            await s.write("body");
          });
        });
        app.get("/raw-stream", (c) => {
          c.var.flash("r");
          return new Response(new Blob(["raw stream"]).stream());
        });
        app.get("/empty", (c) => {
          c.var.flash("e");
          return c.body(null, 204);
        });
        app.get("/immutable", (c) => {
          c.var.flash("i");
          // Response.redirect() has immutable headers: the adapter must copy it.
          return Response.redirect(new URL("/read", c.req.url), 303);
        });
      }),
    );
    await expectBodyKinds(
      browser.get,
      [
        ["/raw-stream", "raw stream", 1],
        ["/immutable", "", 1],
      ],
      [
        ["message", "r"],
        ["message", "i"],
      ],
    );
  });

  it("commits onto a proxied fetch() response: immutable headers with cookies of their own", async () => {
    await expectProxiedResponse(async (upstreamUrl) => {
      const app = await makeApp((app) => {
        app.get("/proxy", async (c) => {
          c.var.flash("proxied");
          return fetch(upstreamUrl);
        });
      });
      return client(app).get;
    });
  });

  it("stores several flashes of one request, each in its own cookie, keeping the app's own cookies", async () => {
    const browser = client(
      await makeApp((app) => {
        app.get("/many", (c) => {
          c.header("Set-Cookie", "theme=dark; Path=/", { append: true });
          c.var.flash("one", "success");
          c.var.flash("two", "error");
          c.var.flash("three");
          return c.redirect("/read");
        });
      }),
    );
    const many = await browser.get("/many");
    expect(many.setCookies).toHaveLength(4);
    expect(many.setCookies[0]).toBe("theme=dark; Path=/");
    expect(JSON.parse((await browser.get("/read")).text)).toEqual([
      ["success", "one"],
      ["error", "two"],
      ["message", "three"],
    ]);
  });

  it("gives Hono's JSX renderer the messages through useRequestContext()", async () => {
    const browser = client(
      await makeApp((app) => {
        app.get(
          "/page",
          jsxRenderer(({ children }) => jsx("main", {}, jsx(Flashes, {}), children)),
        );
        app.get("/page", (c) => c.render("<page>"));
        app.get("/flask", (c) => c.json(c.var.get_flashed_messages({ __keywords: true, with_categories: true })));
      }),
    );
    await browser.get("/flash?m=%3Cb%3Ehi%3C%2Fb%3E&c=error");
    expect((await browser.get("/page")).text).toBe(
      '<!DOCTYPE html><main><ul><li class="error">&lt;b&gt;hi&lt;/b&gt;</li></ul>&lt;page&gt;</main>',
    );
    await browser.get("/flash?m=again");
    expect(JSON.parse((await browser.get("/flask")).text)).toEqual([["message", "again"]]);
  });

  it("has the API of every adapter: flash.now, flash.keep, flash.peek, and c.get('flash')", async () => {
    const browser = client(
      await makeApp((app) => {
        app.get("/now", (c) => {
          c.get("flash").now("this response only", "info");
          return c.json(c.var.getFlashedMessages());
        });
        app.get("/peek", (c) => c.json(c.var.flash.peek()));
        app.get("/keep", (c) => {
          const read = c.var.flash.getFlashedMessages();
          c.var.flash.keep();
          return c.json(read);
        });
      }),
    );
    await expectNowKeepPeek(browser.get);
  });

  describe("when a handler throws", () => {
    function failing(app: Hono) {
      app.get("/crash", (c) => {
        c.var.flash("Something went wrong", "error");
        throw new Error("boom");
      });
      app.get("/bad-request", (c) => {
        c.var.flash("Check the form", "warning");
        throw new HTTPException(400, { message: "bad input" });
      });
    }

    it("commits onto Hono's default error response, as Flask does on a 500", async () => {
      vi.spyOn(console, "error").mockImplementation(() => {});
      const browser = client(await makeApp(failing));
      const crash = await browser.get("/crash");
      expect(crash.res.status).toBe(500);
      expect(crash.setCookies).toHaveLength(1);
      const bad = await browser.get("/bad-request");
      expect(bad.res.status).toBe(400);
      expect(bad.setCookies).toHaveLength(1);
      expect(JSON.parse((await browser.get("/read")).text)).toEqual([
        ["error", "Something went wrong"],
        ["warning", "Check the form"],
      ]);
    });

    it("commits onto the app's onError response", async () => {
      const browser = client(
        await makeApp((app) => {
          failing(app);
          app.onError((error, c) => c.json({ error: error.message }, 500));
        }),
      );
      const crash = await browser.get("/crash");
      expect(JSON.parse(crash.text)).toEqual({ error: "boom" });
      expect(crash.setCookies).toHaveLength(1);
      expect(JSON.parse((await browser.get("/read")).text)).toEqual([["error", "Something went wrong"]]);
    });
  });

  it("runs on Node through @hono/node-server", async () => {
    await expectRunsOnNode((await makeApp()).fetch);
  });

  it("reads a forged or broken cookie as no message, never a 500", async () => {
    const app = await makeApp();
    for (const cookie of FORGED_COOKIES) {
      const res = await app.request("/read", { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    }
  });
});

describe("flashkit/hono", () => {
  it("on @hono/node-server reads the Cookie header from Node's own request (c.env.incoming)", async () => {
    const app = new Hono<{ Bindings: { incoming?: unknown } }>();
    app.use(flash({ store: cookieStore({ secret: SECRET }) }));
    app.post("/flash", (c) => {
      c.var.flash("from Node's headers", "info");
      return c.text("ok");
    });
    app.get("/read", (c) => c.json(c.var.getFlashedMessages({ withCategories: true })));
    const posted = await app.request("/flash", { method: "POST" });
    const cookie = posted.headers
      .getSetCookie()
      .map((header) => header.split(";")[0])
      .join("; ");
    expect(cookie).toMatch(/^flash\./);

    // Node's request is the source when it is there: its cookie counts, the Fetch request's does not.
    const viaNode = await app.request(
      "/read",
      {},
      { incoming: { rawHeaders: ["Cookie", cookie], headers: { cookie } } },
    );
    expect(await viaNode.json()).toEqual([["info", "from Node's headers"]]);
    const nodeWithout = await app.request(
      "/read",
      { headers: { cookie } },
      { incoming: { rawHeaders: [], headers: {} } },
    );
    expect(await nodeWithout.json()).toEqual([]);
    // Anything else called `incoming` is not Node's request: the Fetch request's header is read.
    const notNode = await app.request("/read", { headers: { cookie } }, { incoming: { headers: {} } });
    expect(await notNode.json()).toEqual([["info", "from Node's headers"]]);
  });

  it("refuses the session store at start-up: there is no session middleware", () => {
    expect(() => flash({ store: sessionStore() })).toThrow(
      expect.objectContaining({
        code: "ERR_FLASH_CONFIG",
        message: expect.stringMatching(/flashkit\/hono has no session middleware/),
      }),
    );
  });

  it("waits for an asynchronous store's load and commit before the response goes out", async () => {
    const events: string[] = [];
    const app = new Hono();
    app.use(flash({ store: slowStore(memoryStore(), events) }));
    app.get("/", (c) => {
      c.var.flash("slow but safe");
      return c.text("ok");
    });
    const res = await app.request("/");
    expect(events).toEqual(["committed"]);
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });

  it("accepts a createFlash() instance and ignores a second installation", async () => {
    const instance = createFlash({ store: memoryStore() });
    const app = new Hono();
    app.use(flash(instance));
    app.use(flash(instance));
    app.get("/", (c) => {
      c.var.flash("once");
      return c.json(c.var.flash.peek());
    });
    const res = await app.request("/");
    expect(await res.json()).toEqual(["once"]);
    expect(res.headers.getSetCookie()).toHaveLength(1);
  });

  it("fails at start-up on a bad configuration", () => {
    expectBadConfigurationFails(flash);
  });

  it("signs with FLASH_SECRET when given neither secret nor store", async () => {
    await expectSecretFromEnvironment(
      () => flash(),
      async () => {
        const app = new Hono();
        app.use(flash());
        app.get("/flash", (c) => {
          c.var.flash("signed with FLASH_SECRET");
          return c.redirect("/read");
        });
        return (await client(app).get("/flash")).setCookies;
      },
    );
  });

  it("refuses a flash from a stream that outlives the commit, instead of losing it silently", async () => {
    const late = vi.fn();
    const app = new Hono();
    app.use(flash({ secret: SECRET }));
    app.get("/", (c) =>
      stream(c, async (s) => {
        await s.sleep(20);
        recordErrorCode(() => c.var.flash("too late"), late);
        await s.write("done");
      }),
    );
    const res = await app.request("/");
    expect(await res.text()).toBe("done");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(late).toHaveBeenCalledWith("ERR_FLASH_HEADERS_SENT");
  });

  it("sends the response with a warning when the store cannot commit", async () => {
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const app = new Hono();
    app.use(flash({ store: brokenStore(), logger }));
    app.get("/", (c) => {
      c.var.flash("lost, with a warning");
      return c.text("ok");
    });
    const res = await app.request("/");
    expect(await res.text()).toBe("ok");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/could not commit.*backend down/));
  });
});
