import { describe, expect, it, vi } from "vitest";
import { fakeRequest, pairsOf, testJar } from "../../test/helpers.js";
import { visit } from "../../test/store-suite.js";
import { createFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import { MEMORY_ENTRY_BYTES, memoryStore } from "./memory.js";

describe("memoryStore", () => {
  it("keeps messages in the process and only a random client id per message cookie in the browser", async () => {
    const store = memoryStore();
    const browser = testJar();
    await visit(store, browser, (jar) => jar.flash("secret text that stays on the server"));
    expect(store.size).toBe(1);
    const [[name, clientId] = ["", ""]] = pairsOf(browser);
    expect(name).toMatch(/^flash\./);
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    await visit(store, browser, (jar) =>
      expect(jar.getFlashedMessages()).toEqual(["secret text that stays on the server"]),
    );
    expect(store.size).toBe(0);
  });

  it("no longer shows a message to a request that starts after a read committed, even with stale cookies", async () => {
    const store = memoryStore();
    const browser = testJar();
    await visit(store, browser, (jar) => jar.flash("once"));
    const twin = testJar();
    for (const [n, v] of pairsOf(browser)) twin.set(n, v);
    await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual(["once"]));
    await visit(store, twin, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
  });

  it("forgets messages after ttl and evicts the oldest past maxEntries, with a warning", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    try {
      const logger = { debug: vi.fn(), warn: vi.fn() };
      const store = memoryStore({ ttl: 10, maxEntries: 2, logger });
      const browser = testJar();
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

  const quiet = () => ({ debug: vi.fn(), warn: vi.fn() });
  /** A message whose JSON (`["message","x…"]`) makes it count `bytes` bytes in the store. */
  const sized = (bytes: number) => "x".repeat((bytes - MEMORY_ENTRY_BYTES) / 2 - 14);

  it("refuses a message over maxMessageBytes at flash(), counting 2 bytes per character of its JSON", async () => {
    const store = memoryStore({ maxMessageBytes: 4096 });
    const browser = testJar();
    await visit(store, browser, (jar) => {
      jar.flash(sized(4096));
      const error = (() => {
        try {
          jar.flash(sized(4098));
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(FlashError);
      expect(error).toMatchObject({
        code: "ERR_FLASH_MESSAGE_TOO_LARGE",
        message: expect.stringContaining("maxMessageBytes"),
      });
    });
    expect(store.bytes).toBe(4096);
    // the default: 64 KiB, which an echoed 100 KB form field exceeds
    await visit(memoryStore(), testJar(), (jar) => {
      expect(() => jar.flash(`No account found for ${"a".repeat(100_000)}`)).toThrowError(/maxMessageBytes/);
    });
  });

  it("refuses at commit, with a warning, a message that skipped measure() and is over maxMessageBytes", () => {
    const logger = quiet();
    const store = memoryStore({ maxMessageBytes: 4096, logger });
    const json = JSON.stringify(["message", sized(8192)]);
    const request = fakeRequest();
    store.commit(request, { remove: [], add: [{ id: "0000000000000-000", category: "message", message: "", json }] });
    expect([store.size, store.clients, store.bytes]).toEqual([0, 0, 0]);
    expect(request.setCookies).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("1 refused over maxMessageBytes"));
  });

  it("gives each browser a client id, carried in all its message cookies, that a forged cookie cannot claim", async () => {
    const store = memoryStore({ logger: quiet() });
    const browser = testJar();
    await visit(store, browser, (jar) => jar.flash("one"));
    await visit(store, browser, (jar) => jar.flash("two"));
    const ids = new Set(browser.cookies().map((c) => c.value));
    expect(ids.size).toBe(1);
    expect(store.clients).toBe(1);
    // A cookie naming a real message id with a made-up client id is ignored, and earns a new client id.
    const [[name = ""] = []] = pairsOf(browser);
    const forger = testJar();
    forger.set(name, "0".repeat(32));
    await visit(store, forger, (jar) => {
      expect(jar.peek()).toEqual([]);
      jar.flash("mine");
    });
    expect(store.clients).toBe(2);
    // the forged cookie was expired; the one left carries a client id of its own
    expect(forger.cookies().some((c) => c.name === name)).toBe(false);
    expect([...forger.cookies().map((c) => c.value)]).toEqual([expect.not.stringMatching([...ids][0] ?? "")]);
    await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual(["one", "two"]));
  });

  it("merges the ids that overlapping first flashes gave one browser, so they share one budget", async () => {
    const store = memoryStore({ maxMessageBytes: 4096, maxClientBytes: 8192, logger: quiet() });
    const flash = createFlash({ store });
    const browser = testJar();
    const requests = [fakeRequest(), fakeRequest()];
    const jars = requests.map((request) => flash.open(request));
    for (const jar of jars) await jar.load();
    for (const jar of jars) jar.flash(sized(4096));
    for (const jar of jars) await jar.commit();
    for (const request of requests) browser.apply(request.setCookies);
    expect(new Set(browser.cookies().map((c) => c.value)).size).toBe(2);
    expect(store.clients).toBe(2);
    await visit(store, browser, (jar) => jar.flash(sized(4096)));
    expect([store.clients, store.size, store.bytes]).toEqual([1, 2, 8192]);
    await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toHaveLength(2));
    expect(browser.cookies().length).toBe(0);
  });

  it("bounds one client's bytes: past maxClientBytes it evicts that client's own oldest messages, not others'", async () => {
    const logger = quiet();
    const store = memoryStore({ maxMessageBytes: 4096, maxClientBytes: 8192, maxTotalBytes: 1 << 20, logger });
    const other = testJar();
    await visit(store, other, (jar) => jar.flash("unread, not mine to lose"));
    const flooder = testJar();
    for (let i = 0; i < 10; i++) await visit(store, flooder, (jar) => jar.flash(`${i}${sized(4096).slice(1)}`));
    expect(store.bytes).toBe(
      8192 + MEMORY_ENTRY_BYTES + 2 * JSON.stringify(["message", "unread, not mine to lose"]).length,
    );
    await visit(store, flooder, (jar) => expect(jar.peek().map((m) => String(m)[0])).toEqual(["8", "9"]));
    await visit(store, other, (jar) => expect(jar.getFlashedMessages()).toEqual(["unread, not mine to lose"]));
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("dropped 1 unread message(s) (1 evicted at maxClientBytes"),
    );
  });

  it("expires the cookies of messages it no longer holds, so evicted ones do not pile up in the browser", async () => {
    const store = memoryStore({ maxMessageBytes: 4096, maxClientBytes: 4096, logger: quiet() });
    const browser = testJar();
    for (let i = 0; i < 100; i++) await visit(store, browser, (jar) => jar.flash(sized(4096)));
    expect(store.size).toBe(1);
    expect(browser.cookies().length).toBe(2);
    await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toHaveLength(1));
    expect(browser.cookies().length).toBe(0);
  });

  it("past maxTotalBytes evicts the largest messages first: a flood of fresh clients with large messages evicts its own", async () => {
    const logger = quiet();
    const store = memoryStore({ maxMessageBytes: 16_384, maxClientBytes: 16_384, maxTotalBytes: 65_536, logger });
    const reader = testJar();
    await visit(store, reader, (jar) => jar.flash("Welcome back"));
    for (let i = 0; i < 500; i++) await visit(store, testJar(), (jar) => jar.flash(sized(16_000)));
    expect(store.bytes).toBeLessThanOrEqual(65_536);
    await visit(store, reader, (jar) => expect(jar.getFlashedMessages()).toEqual(["Welcome back"]));
    // one warning for the first eviction; the rest are counted for the next one
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it("evicts a message as small as the flood's only after a whole store's worth of newer ones (or maxEntries)", async () => {
    const store = memoryStore({ maxEntries: 10, logger: quiet() });
    const reader = testJar();
    await visit(store, reader, (jar) => jar.flash("a"));
    for (let i = 0; i < 9; i++) await visit(store, testJar(), (jar) => jar.flash("b"));
    await visit(store, reader, (jar) => expect(jar.peek()).toEqual(["a"]));
    await visit(store, testJar(), (jar) => jar.flash("b"));
    await visit(store, reader, (jar) => expect(jar.peek()).toEqual([]));
    expect(store.size).toBe(10);
  });

  it("ranks messages, not browsers: a browser with two short messages is not evicted before older one-message clients", async () => {
    const store = memoryStore({ maxEntries: 10, logger: quiet() });
    for (let i = 0; i < 5; i++) await visit(store, testJar(), (jar) => jar.flash("flood"));
    const reader = testJar();
    await visit(store, reader, (jar) => {
      jar.flash("Saved");
      jar.flash("Welcome back");
    });
    for (let i = 0; i < 5; i++) await visit(store, testJar(), (jar) => jar.flash("flood"));
    expect(store.size).toBe(10);
    await visit(store, reader, (jar) => expect(jar.peek()).toEqual(["Saved", "Welcome back"]));
  });

  it("warns at most once per warnInterval, then with the counts of what it evicted since", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    try {
      const logger = quiet();
      const store = memoryStore({ maxEntries: 1, warnInterval: 30, logger });
      for (let i = 0; i < 50; i++) await visit(store, testJar(), (jar) => jar.flash(`m${i}`));
      expect(logger.warn).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(30_000);
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(logger.warn).toHaveBeenLastCalledWith(
        expect.stringContaining("dropped 48 unread message(s) (48 evicted at maxEntries"),
      );
      vi.advanceTimersByTime(300_000);
      expect(logger.warn).toHaveBeenCalledTimes(2);
      await visit(store, testJar(), (jar) => jar.flash("later"));
      expect(logger.warn).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("checks its options at creation, saying what to set", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ttl: 0 }, /ttl must be a positive number/],
      [{ maxEntries: 0 }, /maxEntries must be a whole number >= 1, got 0/],
      [{ maxTotalBytes: 1.5 }, /maxTotalBytes must be a whole number/],
      [{ maxMessageBytes: 1000 }, /maxMessageBytes must be more than the 1024 bytes/],
      [
        { maxMessageBytes: 8192, maxClientBytes: 4096 },
        /maxClientBytes \(4096\) must be at least maxMessageBytes \(8192\)/,
      ],
      [{ maxClientBytes: 1 << 20, maxTotalBytes: 1 << 19 }, /maxTotalBytes \(524288\) must be at least maxClientBytes/],
      [{ warnInterval: -1 }, /warnInterval must be/],
      [{ maxTotalBytes: "32MB" }, /maxTotalBytes must be a whole number/],
    ];
    for (const [options, message] of bad) {
      expect(() => memoryStore(options as never)).toThrowError(
        expect.objectContaining({ code: "ERR_FLASH_CONFIG", message: expect.stringMatching(message) }) as never,
      );
    }
    // a larger maxMessageBytes alone lifts the defaults that must be at least it
    expect(() => memoryStore({ maxMessageBytes: 1 << 20 })).not.toThrow();
  });
});
