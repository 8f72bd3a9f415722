import { describe, expect, it, vi } from "vitest";
import { CookieMap } from "../../test/helpers.js";
import { visit } from "../../test/store-suite.js";
import { memoryStore } from "./memory.js";

describe("memoryStore", () => {
  it("keeps messages in the process and only a random token per message in the browser", async () => {
    const store = memoryStore();
    const browser = new CookieMap();
    await visit(store, browser, (jar) => jar.flash("secret text that stays on the server"));
    expect(store.size).toBe(1);
    const [[name, token] = ["", ""]] = [...browser.cookies];
    expect(name).toMatch(/^flash\./);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    await visit(store, browser, (jar) =>
      expect(jar.getFlashedMessages()).toEqual(["secret text that stays on the server"]),
    );
    expect(store.size).toBe(0);
  });

  it("no longer shows a message to a request that starts after a read committed, even with stale cookies", async () => {
    const store = memoryStore();
    const browser = new CookieMap();
    await visit(store, browser, (jar) => jar.flash("once"));
    const twin = new CookieMap();
    for (const [n, v] of browser.cookies) twin.cookies.set(n, v);
    await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual(["once"]));
    await visit(store, twin, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
  });

  it("forgets messages after ttl and evicts the oldest past maxEntries, with a warning", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    try {
      const logger = { debug: vi.fn(), warn: vi.fn() };
      const store = memoryStore({ ttl: 10, maxEntries: 2, logger });
      const browser = new CookieMap();
      await visit(store, browser, (jar) => jar.flash("a"));
      await visit(store, browser, (jar) => jar.flash("b"));
      await visit(store, browser, (jar) => jar.flash("c"));
      expect(store.size).toBe(2);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("evicted"));
      await visit(store, browser, (jar) => expect(jar.peek()).toEqual(["b", "c"]));
      vi.advanceTimersByTime(11_000);
      await visit(store, browser, (jar) => expect(jar.peek()).toEqual([]));
    } finally {
      vi.useRealTimers();
    }
  });
});
