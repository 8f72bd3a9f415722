import { describe, expect, it } from "vitest";
import { SECRET, testJar } from "../../test/helpers.js";
import { cookieStore } from "../stores/cookie.js";
import { memoryStore } from "../stores/memory.js";
import { createFlash, type FlashOptions } from "./create-flash.js";
import { headerOfFetch, headerOfRecord, isSideRequest } from "./side-requests.js";
import type { FlashRequest } from "./types.js";

const record = (method: string, headers: Record<string, string> = {}) => isSideRequest(method, headers, headerOfRecord);
const fetched = (method: string, headers: Record<string, string> = {}) =>
  isSideRequest(method, new Headers(headers), headerOfFetch);

describe("isSideRequest", () => {
  it.each([record, fetched])("tells side requests from the ones that show what they read (%#)", (is) => {
    expect(is("HEAD")).toBe(true);
    expect(is("OPTIONS", { "access-control-request-method": "POST" })).toBe(true);
    for (const value of ["prefetch", "prefetch;prerender", "prefetch;anonymous-client-ip", " Prefetch "]) {
      expect(is("GET", { "sec-purpose": value }), value).toBe(true);
    }
    expect(is("GET", { purpose: "prefetch" })).toBe(true);
    expect(is("GET", { "x-sec-purpose": "prefetch", "sec-fetch-dest": "empty" })).toBe(true);
    for (const dest of ["image", "script", "style", "font", "audio", "video", "track", "manifest", "worker"]) {
      expect(is("GET", { "sec-fetch-dest": dest }), dest).toBe(true);
    }
    expect(is("GET", { "sec-fetch-dest": "serviceworker" })).toBe(true);
    expect(is("GET", { "sec-fetch-dest": "report" })).toBe(true);

    expect(is("GET")).toBe(false);
    expect(is("POST")).toBe(false);
    for (const dest of ["document", "iframe", "frame", "empty", "object", "embed", "fencedframe", ""]) {
      expect(is("GET", { "sec-fetch-dest": dest }), dest).toBe(false);
    }
    for (const value of ["preview", "prefetcher", "no-prefetch", "prerender"]) {
      expect(is("GET", { "sec-purpose": value }), value).toBe(false);
    }
  });

  it("reads no header for HEAD and OPTIONS, and at most four otherwise", () => {
    const asked: string[] = [];
    const spy = (_source: unknown, name: string) => {
      asked.push(name);
      return undefined;
    };
    expect(isSideRequest("HEAD", undefined, spy)).toBe(true);
    expect(asked).toEqual([]);
    expect(isSideRequest("GET", undefined, spy)).toBe(false);
    expect(asked).toEqual(["sec-fetch-dest", "sec-purpose", "purpose", "x-sec-purpose"]);
  });
});

/** A request whose `sideRequest` getter counts how often the jar asks. */
function sideRequest(side: boolean, cookieHeader?: string) {
  const request = {
    cookieHeader,
    setCookies: [] as string[],
    asked: 0,
    appendSetCookie(header: string) {
      request.setCookies.push(header);
    },
    get sideRequest() {
      request.asked++;
      return side;
    },
  };
  return request satisfies FlashRequest;
}

describe("FlashJar on a side request", () => {
  function setUp(options: Partial<FlashOptions> = {}) {
    const flash = createFlash({ store: memoryStore(), ...options });
    const browser = testJar();
    const visit = (side: boolean, body: (jar: ReturnType<typeof flash.open>) => void) => {
      const request = sideRequest(side, browser.header());
      const jar = flash.open(request);
      jar.load();
      body(jar);
      jar.commit();
      browser.apply(request.setCookies);
      return request;
    };
    visit(false, (jar) => {
      jar.flash("a", "info");
      jar.flash("b", "error");
    });
    return { visit };
  }

  it("reads what peek() returns, the same list on every read, and removes nothing", () => {
    const { visit } = setUp();
    const side = visit(true, (jar) => {
      expect(jar.getFlashedMessages({ withCategories: true })).toEqual(jar.peek({ withCategories: true }));
      expect(jar.getFlashedMessages()).toEqual(["a", "b"]);
      expect(jar.getFlashedMessages({ categoryFilter: ["error"] })).toEqual(["b"]);
    });
    expect(side.asked).toBe(1);
    visit(false, (jar) => expect(jar.getFlashedMessages()).toEqual(["a", "b"]));
    visit(false, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
  });

  it("stores what it flashes, as any request: after the read for the next one, before it shown at once", () => {
    const { visit } = setUp();
    visit(true, (jar) => {
      jar.flash("before", "info");
      expect(jar.getFlashedMessages()).toEqual(["a", "b", "before"]);
      jar.flash("late", "info");
    });
    visit(false, (jar) => expect(jar.getFlashedMessages()).toEqual(["a", "b", "late"]));
  });

  it("consume() (a per-category read) consumes nothing either", () => {
    const { visit } = setUp();
    visit(true, (jar) =>
      expect(jar.consume({ categoryFilter: ["info"], withCategories: true })).toEqual([["info", "a"]]),
    );
    visit(false, (jar) =>
      expect(jar.consume({ withCategories: true })).toEqual([
        ["info", "a"],
        ["error", "b"],
      ]),
    );
    visit(false, (jar) => expect(jar.consume({ withCategories: true })).toEqual([]));
  });

  it("consumes with consumeOnSideRequests: true, without asking", () => {
    const { visit } = setUp({ consumeOnSideRequests: true });
    const side = visit(true, (jar) => expect(jar.getFlashedMessages()).toEqual(["a", "b"]));
    expect(side.asked).toBe(0);
    visit(false, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
  });

  it("is asked only when the request would remove a stored message", () => {
    const { visit } = setUp();
    expect(visit(true, () => {}).asked).toBe(0);
    expect(visit(true, (jar) => jar.peek()).asked).toBe(0);
    expect(visit(true, (jar) => jar.flash("x")).asked).toBe(0);
    const store = cookieStore({ secret: SECRET });
    const quiet = sideRequest(true);
    const jar = createFlash({ store }).open(quiet);
    jar.load();
    jar.getFlashedMessages();
    jar.commit();
    expect(quiet.asked).toBe(0);
  });

  it("still drops the oldest messages past maxMessages", () => {
    const dropped: unknown[] = [];
    const { visit } = setUp({ maxMessages: 3, onDrop: (list) => dropped.push(...list.map((e) => e.message)) });
    visit(true, (jar) => {
      jar.getFlashedMessages();
      jar.flash("c", "info");
      jar.flash("d", "info");
    });
    expect(dropped).toEqual(["a"]);
    visit(false, (jar) => expect(jar.getFlashedMessages()).toEqual(["b", "c", "d"]));
  });
});
