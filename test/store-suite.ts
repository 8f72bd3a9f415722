/**
 * The contract every store must meet, run against each store (compare unstorage's `testDriver`):
 * test/stores.core.test.ts runs it against the cookie, memory, session and Redis stores, and
 * src/stores/cookie-web.test.ts against the cookie store on Web Crypto. Each store's own cases stay
 * in its own test file.
 *
 * A store that keeps messages in the app's session (`usesSession`) gets one live session object per
 * browser, as a session kept in process memory would be: the contract then checks the store's
 * delta, not how a session middleware saves. The case about forged cookies does not apply to it.
 */
import { describe, expect, it } from "vitest";
import { createFlash, type FlashStore } from "../src/index.js";
import type { CookieJar } from "../src/testing/cookie-jar.js";
import { fakeRequest, pairsOf, testJar } from "./helpers.js";

/** Strings that must round-trip verbatim through any store. */
export const TRICKY_MESSAGES: unknown[] = [
  "plain",
  "",
  "ünïcödé 日本語 😀",
  "\u0000nul \u0001 \t tab \r\n crlf",
  "\ud800",
  "a\udfffb",
  '<img src=x onerror="alert(1)">',
  "a; b=c, d",
  "x".repeat(1500),
  1e21,
  -2.5,
  true,
  null,
  [1, "two", null, [3]],
  { " t": ["a"], nested: { k: "v" } },
];

/** The session of each browser, for stores that keep messages in the app's session. */
const sessions = new WeakMap<CookieJar, Record<string, unknown>>();

/** A request of `browser` with `header`, carrying the browser's session when `store` uses one. */
function requestOf(store: FlashStore, browser: CookieJar, header = browser.header()) {
  const request = fakeRequest(header);
  if (!store.usesSession) return request;
  let session = sessions.get(browser);
  if (session === undefined) {
    session = {};
    sessions.set(browser, session);
  }
  return Object.assign(request, { session });
}

/** One request of a browser: open a jar, run `body`, commit, apply the cookies. */
export async function visit(
  store: FlashStore,
  browser: CookieJar,
  body: (jar: ReturnType<ReturnType<typeof createFlash>["open"]>) => void,
): Promise<string[]> {
  // The contract flashes 15 messages in one request: more than the default maxAddedMessages (8).
  const flash = createFlash({ store, maxMessages: 50, maxAddedMessages: 50 });
  const request = requestOf(store, browser);
  const jar = flash.open(request);
  await jar.load();
  body(jar);
  await jar.commit();
  browser.apply(request.setCookies);
  return request.setCookies;
}

export function describeStore(name: string, makeStore: () => FlashStore): void {
  describe(`store contract: ${name}`, () => {
    it("reads nothing and writes nothing for a client without messages", async () => {
      const store = makeStore();
      const browser = testJar();
      const set = await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
      expect(set).toEqual([]);
    });

    it("round-trips every kind of message verbatim, in order, once", async () => {
      const store = makeStore();
      const browser = testJar();
      await visit(store, browser, (jar) => {
        for (const [i, message] of TRICKY_MESSAGES.entries()) jar.flash(message, i % 2 ? "error" : "ünï cat");
      });
      let got: unknown[] = [];
      await visit(store, browser, (jar) => {
        got = jar.getFlashedMessages({ withCategories: true });
      });
      expect(got).toEqual(TRICKY_MESSAGES.map((m, i) => [i % 2 ? "error" : "ünï cat", m]));
      await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
      expect(browser.cookies().length).toBe(0);
    });

    it("applies deltas: a concurrent flash survives a read that started before it", async () => {
      const store = makeStore();
      const browser = testJar();
      await visit(store, browser, (jar) => jar.flash("first"));
      // Two requests leave the browser with the same cookies; one reads, one flashes.
      const snapshot = browser.header();
      const flash = createFlash({ store });
      const reading = requestOf(store, browser, snapshot);
      const flashing = requestOf(store, browser, snapshot);
      const readerJar = flash.open(reading);
      const flasherJar = flash.open(flashing);
      await readerJar.load();
      await flasherJar.load();
      expect(readerJar.getFlashedMessages()).toEqual(["first"]);
      flasherJar.flash("second");
      await flasherJar.commit();
      await readerJar.commit();
      // The flasher's response arrives first, then the reader's.
      browser.apply(flashing.setCookies);
      browser.apply(reading.setCookies);
      let got: unknown[] = [];
      await visit(store, browser, (jar) => {
        got = jar.getFlashedMessages();
      });
      expect(got).toEqual(["second"]);
    });

    it("keeps messages that were not read, and keep() keeps what was read", async () => {
      const store = makeStore();
      const browser = testJar();
      await visit(store, browser, (jar) => jar.flash("a"));
      await visit(store, browser, () => {});
      await visit(store, browser, (jar) => {
        expect(jar.getFlashedMessages()).toEqual(["a"]);
        jar.keep();
      });
      await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual(["a"]));
      await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
    });

    it("ignores forged, truncated and foreign cookies", async (context) => {
      const store = makeStore();
      // A session store reads no cookie of its own: the session middleware checks the session's.
      if (store.usesSession) context.skip();
      const browser = testJar();
      await visit(store, browser, (jar) => jar.flash("real"));
      const [[name, value] = ["", ""]] = pairsOf(browser);
      const garbage: Array<[string, string]> = [
        [name, `${value.slice(0, -3)}AAA`],
        [`flash.${"0".repeat(11)}abcdef`, value],
        ["flash.nonsense", "x"],
        [`flash.${"1".repeat(11)}abcdef`, "%%%.###"],
        [`flash.${"2".repeat(11)}abcdef`, "a".repeat(5000)],
        [`flash.${"3".repeat(11)}abcdef`, ""],
      ];
      for (const [n, v] of garbage) {
        const header = `${n}=${v}`;
        let got: unknown[] = ["not read"];
        const jar = createFlash({ store }).open(fakeRequest(header));
        await jar.load();
        got = jar.getFlashedMessages();
        expect(got, header.slice(0, 80)).toEqual([]);
      }
      // The genuine cookie still reads, even next to junk with the same name.
      const jar = createFlash({ store }).open(fakeRequest(`${name}=junk; ${name}=${value}`));
      await jar.load();
      expect(jar.getFlashedMessages()).toEqual(["real"]);
    });

    it("does not write when a request neither flashed nor read", async () => {
      const store = makeStore();
      const browser = testJar();
      await visit(store, browser, (jar) => jar.flash("pending"));
      const set = await visit(store, browser, (jar) => jar.peek());
      expect(set).toEqual([]);
    });
  });
}
