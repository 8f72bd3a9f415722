import { describe, expect, it, vi } from "vitest";
import { fakeRequest, SECRET, testJar } from "../../test/helpers.js";
import { memoryStore } from "../stores/memory.js";
import type { CookieJar } from "../testing/cookie-jar.js";
import { createFlash } from "./create-flash.js";
import type { FlashError } from "./errors.js";
import type { FlashRequest, StoredFlash } from "./types.js";

type Flash = ReturnType<typeof createFlash>;

/** Runs one synchronous request of `browser` on `flash`: load, body, commit, apply the cookies. */
function visitSync(flash: Flash, browser: CookieJar, body: (jar: ReturnType<Flash["open"]>) => void): string[] {
  const req = fakeRequest(browser.header());
  const jar = flash.open(req);
  jar.load();
  body(jar);
  jar.commit();
  browser.apply(req.setCookies);
  return req.setCookies;
}

function browserFlash(options: Partial<Parameters<typeof createFlash>[0]> = {}) {
  const flash = createFlash({ store: memoryStore(), ...options });
  const browser = testJar();
  const request = (body: (jar: ReturnType<Flash["open"]>) => void) => visitSync(flash, browser, body);
  return { flash, browser, request };
}

describe("FlashJar: Flask's algorithm", () => {
  it("returns a flash before the first read at once, and never stores it", () => {
    const { request, browser } = browserFlash();
    const set = request((jar) => {
      jar.flash("x");
      expect(jar.getFlashedMessages()).toEqual(["x"]);
    });
    expect(set).toEqual([]);
    expect(browser.cookies().length).toBe(0);
  });

  it("caches the first read for the rest of the request; a later flash waits for the next one", () => {
    const { request } = browserFlash();
    request((jar) => {
      jar.flash("e", "error");
      jar.flash("i", "info");
    });
    request((jar) => {
      expect(jar.getFlashedMessages({ categoryFilter: ["error"] })).toEqual(["e"]);
      jar.flash("late", "error");
      expect(jar.getFlashedMessages()).toEqual(["e", "i"]);
      expect(jar.getFlashedMessages({ withCategories: true, categoryFilter: ["info"] })).toEqual([["info", "i"]]);
    });
    request((jar) => expect(jar.getFlashedMessages({ withCategories: true })).toEqual([["error", "late"]]));
  });

  it("readIds() names what the first read returned, the stored messages' ids among them", () => {
    const { request } = browserFlash();
    let stored: string[] = [];
    request((jar) => {
      expect(jar.readIds()).toEqual([]);
      jar.flash("a", "info");
      jar.keep();
      jar.getFlashedMessages();
      stored = jar.readIds();
    });
    expect(stored).toHaveLength(1);
    request((jar) => {
      jar.flash("b");
      jar.getFlashedMessages({ categoryFilter: ["nope"] });
      const ids = jar.readIds();
      expect(ids).toHaveLength(2);
      expect(ids[0]).toBe(stored[0]);
    });
  });

  it("consumes every category on a filtered read; an empty filter means no filter", () => {
    const { request } = browserFlash();
    request((jar) => {
      jar.flash("e", "error");
      jar.flash("m");
    });
    request((jar) => expect(jar.getFlashedMessages({ categoryFilter: ["nope"] })).toEqual([]));
    request((jar) => expect(jar.getFlashedMessages()).toEqual([]));
    request((jar) => jar.flash("m2"));
    request((jar) => expect(jar.getFlashedMessages({ categoryFilter: [] })).toEqual(["m2"]));
  });

  it("now() shows a message in this response only; peek() consumes nothing", () => {
    const { request } = browserFlash();
    request((jar) => {
      jar.flash("stored");
      jar.now("shown now", "info");
      expect(jar.peek({ withCategories: true })).toEqual([
        ["message", "stored"],
        ["info", "shown now"],
      ]);
    });
    request((jar) => {
      expect(jar.peek()).toEqual(["stored"]);
      expect(jar.getFlashedMessages()).toEqual(["stored"]);
      jar.now("appended after the read");
      expect(jar.getFlashedMessages()).toEqual(["stored", "appended after the read"]);
    });
    request((jar) => expect(jar.getFlashedMessages()).toEqual([]));
  });

  it("keep() keeps what was read, in order, before later flashes, but not now() messages", () => {
    const { request } = browserFlash();
    request((jar) => jar.flash("old"));
    request((jar) => {
      jar.flash("fresh");
      jar.now("transient");
      expect(jar.getFlashedMessages()).toEqual(["old", "fresh", "transient"]);
      jar.flash("late");
      jar.keep();
    });
    request((jar) => expect(jar.getFlashedMessages()).toEqual(["old", "fresh", "late"]));
  });

  it("calls onFlash for every flash and now", () => {
    const onFlash = vi.fn();
    const { request } = browserFlash({ onFlash });
    request((jar) => {
      jar.flash("a", "success");
      jar.now({ n: 1 });
    });
    expect(onFlash.mock.calls).toEqual([
      [{ category: "success", message: "a", kind: "flash" }],
      [{ category: "message", message: { n: 1 }, kind: "now" }],
    ]);
  });

  it("consumes exactly what a read took, and caps what is left, for short and long lists alike", () => {
    for (const count of [3, 30]) {
      const onDrop = vi.fn();
      const { request } = browserFlash({ maxMessages: count + 1, maxAddedMessages: count + 1, onDrop });
      const messages = Array.from({ length: count }, (_, i) => `m${i}`);
      request((jar) => {
        for (const m of messages) jar.flash(m);
      });
      // A read before the new flashes: the pending ones go, the late ones stay.
      request((jar) => {
        expect(jar.getFlashedMessages()).toEqual(messages);
        for (const m of messages) jar.flash(`late ${m}`);
      });
      // Kept over the cap: pending and new ones held together, the oldest dropped.
      request((jar) => {
        for (const m of messages) jar.flash(`new ${m}`);
      });
      const expectedDropped = messages.map((m) => `late ${m}`).slice(0, count - 1);
      expect(
        onDrop.mock.calls.flatMap(([dropped]) => dropped.map((entry: { message: string }) => entry.message)),
      ).toEqual(expectedDropped);
      request((jar) =>
        expect(jar.getFlashedMessages()).toEqual([`late m${count - 1}`, ...messages.map((m) => `new ${m}`)]),
      );
      request((jar) => expect(jar.getFlashedMessages()).toEqual([]));
    }
  });

  it("drops the oldest past maxMessages and reports them; warns through the logger without onDrop", () => {
    const onDrop = vi.fn();
    const { request } = browserFlash({ maxMessages: 3, onDrop });
    request((jar) => {
      for (const m of ["1", "2"]) jar.flash(m);
    });
    request((jar) => {
      for (const m of ["3", "4"]) jar.flash(m);
    });
    expect(onDrop).toHaveBeenCalledWith([expect.objectContaining({ message: "1" })], "maxMessages");
    request((jar) => expect(jar.getFlashedMessages()).toEqual(["2", "3", "4"]));

    const logger = { debug: vi.fn(), warn: vi.fn() };
    const warned = browserFlash({ maxMessages: 1, logger });
    warned.request((jar) => {
      jar.flash("a");
      jar.flash("b");
    });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("dropped 1 oldest"));
    warned.request((jar) => expect(jar.getFlashedMessages()).toEqual(["b"]));
  });

  it("drops the oldest a request flashed past maxAddedMessages, and a quiet request trims an over-full client", () => {
    const onDrop = vi.fn();
    const flash = createFlash({ store: memoryStore(), maxMessages: 4, maxAddedMessages: 2, onDrop });
    const browser = testJar();
    visitSync(flash, browser, (jar) => {
      for (const m of ["1", "2", "3"]) jar.flash(m);
    });
    expect(onDrop).toHaveBeenCalledWith([expect.objectContaining({ message: "1" })], "maxAddedMessages");
    // Three overlapping requests, each sent the same two messages, each adding two: eight held.
    const header = browser.header();
    for (const n of [1, 2, 3]) {
      const request = fakeRequest(header);
      const jar = flash.open(request);
      jar.load();
      jar.flash(`a${n}`);
      jar.flash(`b${n}`);
      jar.commit();
      browser.apply(request.setCookies);
    }
    expect(browser.cookies().length).toBe(8);
    onDrop.mockClear();
    // A request that neither flashes nor reads brings the client back to maxMessages, oldest first.
    const set = visitSync(flash, browser, () => {});
    expect(set).toHaveLength(4);
    expect(onDrop).toHaveBeenCalledWith(
      ["2", "3", "a1", "b1"].map((message) => expect.objectContaining({ message })),
      "maxMessages",
    );
    expect(browser.cookies().length).toBe(4);
    expect(visitSync(flash, browser, () => {})).toEqual([]);
  });

  it("refuses maxAddedMessages outside 1..maxMessages at start-up, saying what to set", () => {
    const store = memoryStore();
    expect(() => createFlash({ store, maxAddedMessages: 0 })).toThrowError(/maxAddedMessages must be/);
    expect(() => createFlash({ store, maxMessages: 5, maxAddedMessages: 6 })).toThrowError(
      /lower maxAddedMessages or raise maxMessages/,
    );
    expect(() => createFlash({ store, maxMessages: 5 })).not.toThrow();
  });

  it("drops the oldest by id even from a store that returns its list out of order", () => {
    const onDrop = vi.fn();
    const inner = memoryStore();
    const reversing = {
      ...inner,
      load: (request: FlashRequest) => [...(inner.load(request) as StoredFlash[])].reverse(),
    };
    const flash = createFlash({ store: reversing, maxMessages: 3, onDrop });
    const browser = testJar();
    visitSync(flash, browser, (jar) => {
      for (const m of ["1", "2", "3"]) jar.flash(m);
    });
    visitSync(flash, browser, (jar) => jar.flash("4"));
    expect(onDrop).toHaveBeenCalledWith([expect.objectContaining({ message: "1" })], "maxMessages");
  });

  it("rejects what is not a JSON value or not a string category, with a TypeError", () => {
    const jar = createFlash({ store: memoryStore() }).open(fakeRequest());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const loose = jar as unknown as { flash(m: unknown, c?: unknown): void };
    expect(() => loose.flash(undefined)).toThrowError(TypeError);
    expect(() => loose.flash(() => 1)).toThrowError(TypeError);
    expect(() => loose.flash(cyclic)).toThrowError(TypeError);
    expect(() => loose.flash(10n)).toThrowError(TypeError);
    expect(() => loose.flash("x", 5)).toThrowError(/category must be a string/);
    expect(jar.peek()).toEqual([]);
  });

  it("a read before load() consumes none of the stored messages: they wait for the next request", () => {
    const { flash, browser, request } = browserFlash();
    request((jar) => jar.flash("stored"));
    const req = fakeRequest(browser.header());
    const jar = flash.open(req);
    expect(jar.getFlashedMessages()).toEqual([]);
    jar.load();
    jar.commit();
    browser.apply(req.setCookies);
    expect(req.setCookies).toEqual([]);
    request((next) => expect(next.getFlashedMessages()).toEqual(["stored"]));
  });

  it("save() commits now: the automatic commit then does nothing, flash() throws ERR_FLASH_ALREADY_SAVED, now() still works", async () => {
    const { flash, browser } = browserFlash();
    const req = fakeRequest(browser.header());
    const jar = flash.open(req);
    jar.load();
    jar.flash("saved");
    const saving = jar.save();
    expect(jar.save()).toBe(saving);
    await expect(saving).resolves.toBeUndefined();
    expect(req.setCookies).toHaveLength(1);
    expect(() => jar.flash("late")).toThrowError(
      expect.objectContaining({
        code: "ERR_FLASH_ALREADY_SAVED",
        message: expect.stringMatching(/after flash\.save\(\) had saved/),
      }) as unknown as FlashError,
    );
    jar.now("shown now", "error");
    expect(jar.getFlashedMessages()).toEqual(["saved", "shown now"]);
    expect(jar.commit()).toBeUndefined();
    expect(req.setCookies).toHaveLength(1);
    browser.apply(req.setCookies);
    const next = flash.open(fakeRequest(browser.header()));
    next.load();
    expect(next.getFlashedMessages()).toEqual(["saved"]);
  });

  it("save() rejects with the store's error, and after the response went out with ERR_FLASH_HEADERS_SENT", async () => {
    const failure = new Error("backend down");
    const store = { ...memoryStore(), commit: () => Promise.reject(failure) };
    const jar = createFlash({ store }).open(fakeRequest());
    jar.flash("lost");
    await expect(jar.save()).rejects.toBe(failure);
    await expect(jar.save()).rejects.toBe(failure);
    const late = createFlash({ store: memoryStore() }).open(fakeRequest());
    late.flash("x");
    late.commit();
    await expect(late.save()).rejects.toMatchObject({ code: "ERR_FLASH_HEADERS_SENT" });
  });

  it("refuses flash() after commit, where the message would be lost", () => {
    const jar = createFlash({ store: memoryStore() }).open(fakeRequest());
    jar.commit();
    expect(() => jar.flash("too late")).toThrowError(
      expect.objectContaining({ code: "ERR_FLASH_HEADERS_SENT" }) as unknown as FlashError,
    );
  });

  it("fails at start-up without a store or with a bad maxMessages", () => {
    expect(() => createFlash({} as never)).toThrowError(/needs a `store`/);
    expect(() => createFlash({ store: memoryStore(), maxMessages: 0 })).toThrowError(/maxMessages/);
  });

  it("orders new flashes after the newest message the client holds, even from a clock ahead", async () => {
    // Two instances of the app, each with its own module state, the first with a clock a year ahead.
    const instance = async () => {
      vi.resetModules();
      const core = await import("./create-flash.js");
      const stores = await import("../stores/cookie.js");
      return core.createFlash({ store: stores.cookieStore({ secret: SECRET }) });
    };
    const ahead = await instance();
    const behind = await instance();
    const browser = testJar();
    const visitWith = (flash: Flash, body: (jar: ReturnType<Flash["open"]>) => void) => visitSync(flash, browser, body);
    vi.useFakeTimers({ now: Date.now() + 365 * 86_400_000 });
    try {
      visitWith(ahead, (jar) => jar.flash("first, from the instance ahead"));
    } finally {
      vi.useRealTimers();
    }
    visitWith(behind, (jar) => jar.flash("second"));
    visitWith(behind, (jar) => expect(jar.getFlashedMessages()).toEqual(["first, from the instance ahead", "second"]));
  });
});

describe("FlashJar: consume() and remaining(), per-category consumption", () => {
  it("consumes one category and leaves the others; the delta removes only the consumed messages", () => {
    const { request, browser } = browserFlash();
    request((jar) => {
      jar.flash("e1", "error");
      jar.flash("i1", "info");
      jar.flash("e2", "error");
    });
    expect(browser.cookies().length).toBe(3);
    const set = request((jar) => {
      expect(jar.remaining({ categoryFilter: ["error"] }).length).toBe(2);
      expect(jar.consume({ categoryFilter: ["error"], withCategories: true })).toEqual([
        ["error", "e1"],
        ["error", "e2"],
      ]);
      expect(jar.consume({ categoryFilter: ["error"], withCategories: true })).toEqual([]);
      expect(jar.remaining({ categoryFilter: ["error"] }).length).toBe(0);
      expect(jar.remaining().length).toBe(1);
    });
    expect(set).toHaveLength(2);
    expect(set.every((header) => /Max-Age=0/i.test(header))).toBe(true);
    request((jar) => expect(jar.consume({ withCategories: true })).toEqual([["info", "i1"]]));
    expect(browser.cookies().length).toBe(0);
  });

  it("returns messages flashed earlier in the same request, which are then never stored", () => {
    const { request, browser } = browserFlash();
    const set = request((jar) => {
      jar.flash("a", "info");
      jar.flash("b", "info");
      expect(jar.remaining({ categoryFilter: ["info"] }).length).toBe(2);
      expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([
        ["info", "a"],
        ["info", "b"],
      ]);
    });
    expect(set).toEqual([]);
    expect(browser.cookies().length).toBe(0);
  });

  it("caches nothing: a flash after a consume() is returned by a later one, or kept for the next request", () => {
    const { request } = browserFlash();
    request((jar) => jar.flash("old", "info"));
    request((jar) => {
      expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([["info", "old"]]);
      jar.flash("new", "info");
      expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([["info", "new"]]);
      jar.flash("later", "info");
      jar.flash("w", "warning");
    });
    request((jar) =>
      expect(jar.consume({ withCategories: true })).toEqual([
        ["info", "later"],
        ["warning", "w"],
      ]),
    );
  });

  it("consume() with no filter consumes everything, pending first, then this request's, oldest first", () => {
    const { request } = browserFlash();
    request((jar) => {
      jar.flash("p1", "b");
      jar.flash("p2", "a");
    });
    request((jar) => {
      jar.flash("f1", "b");
      jar.now("n1", "c");
      expect(jar.consume({ withCategories: true })).toEqual([
        ["b", "p1"],
        ["a", "p2"],
        ["b", "f1"],
        ["c", "n1"],
      ]);
      expect(jar.consume({ withCategories: true })).toEqual([]);
    });
    request((jar) => expect(jar.remaining().length).toBe(0));
  });

  it("a request that consumes nothing writes nothing", () => {
    const { request } = browserFlash();
    request((jar) => jar.flash("x", "info"));
    expect(
      request((jar) => expect(jar.consume({ categoryFilter: ["error"], withCategories: true })).toEqual([])),
    ).toEqual([]);
    request((jar) => expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([["info", "x"]]));
  });

  it("mixes with getFlashedMessages(): neither returns what the other consumed", () => {
    const { request } = browserFlash();
    request((jar) => {
      jar.flash("e", "error");
      jar.flash("i", "info");
    });
    request((jar) => {
      expect(jar.consume({ categoryFilter: ["error"], withCategories: true })).toEqual([["error", "e"]]);
      expect(jar.peek()).toEqual(["i"]);
      expect(jar.getFlashedMessages()).toEqual(["i"]);
      expect(jar.consume({ withCategories: true })).toEqual([]);
      jar.flash("late", "info");
      jar.flash("later", "error");
      // After Flask's first read, consume() sees only what the request leaves for the client.
      expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([["info", "late"]]);
      expect(jar.getFlashedMessages()).toEqual(["i"]);
    });
    request((jar) => expect(jar.getFlashedMessages({ withCategories: true })).toEqual([["error", "later"]]));
  });

  it("after keep(), consume() can consume what the request keeps, and the delta removes it", () => {
    const { request } = browserFlash();
    request((jar) => {
      jar.flash("a", "info");
      jar.flash("b", "error");
    });
    request((jar) => {
      expect(jar.getFlashedMessages()).toEqual(["a", "b"]);
      jar.keep();
      expect(jar.remaining().length).toBe(2);
      expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([["info", "a"]]);
    });
    request((jar) => expect(jar.getFlashedMessages({ withCategories: true })).toEqual([["error", "b"]]));
  });

  it("applies maxMessages to what is left after a consume()", () => {
    const onDrop = vi.fn();
    const { request } = browserFlash({ maxMessages: 2, onDrop });
    request((jar) => {
      jar.flash("1", "info");
      jar.flash("2", "error");
    });
    request((jar) => {
      expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([["info", "1"]]);
      jar.flash("3", "error");
    });
    expect(onDrop).not.toHaveBeenCalled();
    request((jar) =>
      expect(jar.consume({ categoryFilter: ["error"], withCategories: true })).toEqual([
        ["error", "2"],
        ["error", "3"],
      ]),
    );
  });
});
