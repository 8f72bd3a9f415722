import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { fakeRequest, pairsOf, SECRET, testJar } from "../../test/helpers.js";
import { visit } from "../../test/store-suite.js";
import * as web from "../core/signing-web.js";
import { createFlash, FlashError } from "../index.js";
import { cookieStore } from "./cookie.js";

const quiet = { debug: vi.fn(), warn: vi.fn() };

describe("cookieStore", () => {
  it("writes one HttpOnly, SameSite=Lax, Path=/ cookie per message, signed over its name", async () => {
    const browser = testJar();
    const set = await visit(cookieStore({ secret: SECRET }), browser, (jar) => {
      jar.flash("a", "success");
      jar.flash("b");
    });
    expect(set).toHaveLength(2);
    for (const header of set) {
      expect(header).toMatch(
        /^flash\.[0-9a-z]{11}[0-9a-f]{6}=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Priority=Low$/,
      );
    }
  });

  it("sets Secure, Domain and Max-Age when asked", async () => {
    const set = await visit(
      cookieStore({ secret: SECRET, secure: true, domain: "example.com", maxAge: 600 }),
      testJar(),
      (jar) => jar.flash("a"),
    );
    expect(set[0]).toMatch(
      /; Max-Age=600; Domain=example\.com; Path=\/; HttpOnly; Secure; SameSite=Lax; Priority=Low$/,
    );
  });

  it("expires consumed cookies with the same attributes", async () => {
    const browser = testJar();
    const store = cookieStore({ secret: SECRET });
    await visit(store, browser, (jar) => jar.flash("a"));
    const set = await visit(store, browser, (jar) => jar.getFlashedMessages());
    expect(set).toEqual([expect.stringMatching(/^flash\.\w+=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/)]);
  });

  it("rejects a cookie signed with another secret, and verifies with every secret of a rotation", async () => {
    const browser = testJar();
    await visit(cookieStore({ secret: "old-".repeat(10) }), browser, (jar) => jar.flash("from the old secret"));
    const other = cookieStore({ secret: SECRET, logger: quiet });
    await visit(other, testJar(), () => {});
    const foreign = createFlash({ store: other }).open(fakeRequest(browser.header()));
    foreign.load();
    expect(foreign.getFlashedMessages()).toEqual([]);
    expect(quiet.debug).toHaveBeenCalledWith(expect.stringContaining("bad MAC"));

    const rotated = cookieStore({ secret: [SECRET, "old-".repeat(10)] });
    let got: unknown[] = [];
    await visit(rotated, browser, (jar) => {
      jar.flash("from the new secret");
      got = jar.getFlashedMessages();
    });
    expect(got).toEqual(["from the old secret", "from the new secret"]);
  });

  it("throws ERR_FLASH_MESSAGE_TOO_LARGE at flash() for a message past what one request may add", () => {
    const jar = createFlash({ store: cookieStore({ secret: SECRET }) }).open(fakeRequest());
    // 768 bytes of cookie: 509 ASCII characters with the default category, 511 with "error".
    jar.flash("x".repeat(509));
    jar.flash("x".repeat(511), "error");
    expect(() => jar.flash("x".repeat(510))).toThrowError(
      expect.objectContaining({
        code: "ERR_FLASH_MESSAGE_TOO_LARGE",
        message: expect.stringContaining("maxAddedBytes"),
      }),
    );
  });

  it("throws ERR_FLASH_MESSAGE_TOO_LARGE at flash() for a message past the cookie limit", () => {
    const store = cookieStore({ secret: SECRET, maxBytes: 8192, maxAddedBytes: 8192 });
    const jar = createFlash({ store }).open(fakeRequest());
    jar.flash("x".repeat(2900));
    expect(() => jar.flash("x".repeat(3100))).toThrowError(
      expect.objectContaining({ code: "ERR_FLASH_MESSAGE_TOO_LARGE", name: "FlashError" }),
    );
    expect(() => jar.flash("é".repeat(1600))).toThrowError(FlashError);
  });

  it("drops the oldest messages past maxBytes and reports them", async () => {
    const onDrop = vi.fn();
    const store = cookieStore({ secret: SECRET, maxBytes: 5000, maxAddedBytes: 2100 });
    const browser = testJar();
    const flash = createFlash({ store, onDrop });
    for (const n of [1, 2, 3]) {
      const request = fakeRequest(browser.header());
      const jar = flash.open(request);
      jar.load();
      jar.flash(`${n}`.repeat(1500));
      jar.commit();
      browser.apply(request.setCookies);
    }
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(onDrop.mock.calls[0]?.[1]).toBe("maxBytes");
    expect(onDrop.mock.calls[0]?.[0][0].message).toBe("1".repeat(1500));
    const jar = flash.open(fakeRequest(browser.header()));
    jar.load();
    expect(jar.getFlashedMessages()).toEqual(["2".repeat(1500), "3".repeat(1500)]);
  });

  it("ignores cookies older than maxAge on the server too", () => {
    // Ahead of every id minted so far: ids only grow within a process.
    vi.useFakeTimers({ now: Date.now() + 86_400_000 });
    try {
      const store = cookieStore({ secret: SECRET, maxAge: 60 });
      const request = fakeRequest();
      const flash = createFlash({ store });
      const jar = flash.open(request);
      jar.flash("soon stale");
      jar.commit();
      const header = request.setCookies.map((h) => h.split(";")[0]).join("; ");
      vi.advanceTimersByTime(59_000);
      const fresh = flash.open(fakeRequest(header));
      fresh.load();
      expect(fresh.peek()).toEqual(["soon stale"]);
      vi.advanceTimersByTime(2_000);
      const stale = flash.open(fakeRequest(header));
      stale.load();
      expect(stale.peek()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("fails at start-up on a short secret, or no secret in production, saying what to set", () => {
    expect(() => cookieStore({ secret: "short" })).toThrowError(/shorter than 32 bytes: set `secret`/);
    expect(() => cookieStore({ secret: [SECRET, "short"] })).toThrowError(/secret #2 is shorter/);
    vi.stubEnv("NODE_ENV", "production");
    try {
      expect(() => cookieStore({})).toThrowError(/needs a secret in production: set `secret`/);
    } finally {
      vi.unstubAllEnvs();
    }
    const logger = { debug: vi.fn(), warn: vi.fn() };
    cookieStore({ logger });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("random one"));
  });

  it("rejects bad cookie options at start-up", () => {
    expect(() => cookieStore({ secret: SECRET, prefix: "bad prefix" })).toThrowError(/prefix/);
    expect(() => cookieStore({ secret: SECRET, path: "nope" })).toThrowError(/path/);
    expect(() => cookieStore({ secret: SECRET, sameSite: "None" })).toThrowError(/secure: true/);
    expect(() => cookieStore({ secret: SECRET, maxAge: -1 })).toThrowError(/maxAge/);
    expect(() => cookieStore({ secret: SECRET, maxBytes: 100 })).toThrowError(/maxBytes/);
    expect(() => cookieStore({ secret: SECRET, maxAddedBytes: 64 })).toThrowError(/set maxAddedBytes/);
    expect(() => cookieStore({ secret: SECRET, maxBytes: 1000, maxAddedBytes: 2000 })).toThrowError(
      /maxBytes must be .* at least maxAddedBytes \(2000\), got 1000: raise maxBytes/,
    );
  });

  it("signs with a secret given as bytes on Node and on Web Crypto alike: HMAC-SHA256 keyed with those bytes", async () => {
    // ASCII bytes take the node build's crypto.hash() path, bytes past 0x7f its createHmac() path.
    for (const key of [Buffer.alloc(32, 0x61), new Uint8Array(48).fill(0xfe), randomBytes(32)]) {
      const node = cookieStore({ secret: key });
      const browser = testJar();
      await visit(node, browser, (jar) => jar.flash("bytes", "info"));
      const [[name, value] = ["", ""]] = pairsOf(browser);
      const dot = value.lastIndexOf(".");
      const data = `${name}=${value.slice(0, dot)}`;
      const tag = createHmac("sha256", key).update(data, "utf8").digest("base64url");
      expect(value.slice(dot + 1)).toBe(tag);
      expect(await web.createSigner([key]).sign(data)).toBe(tag);
      expect(await web.createSigner([Buffer.alloc(32, 0x62), key]).verify(data, tag)).toBe(true);
    }
  });

  it("reads cookies written on Node with the Web Crypto signer and back", async () => {
    const node = cookieStore({ secret: SECRET });
    const browser = testJar();
    await visit(node, browser, (jar) => jar.flash({ text: "ünï \ud800" }, "info"));
    const signer = web.createSigner([SECRET]);
    const [[name, value] = ["", ""]] = pairsOf(browser);
    const dot = value.lastIndexOf(".");
    const payload = value.slice(0, dot);
    expect(await signer.verify(`${name}=${payload}`, value.slice(dot + 1))).toBe(true);
    expect(await signer.sign(`${name}=${payload}`)).toBe(value.slice(dot + 1));
    expect(web.decodeBase64Url(payload)).toBe(JSON.stringify(["info", { text: "ünï \ud800" }]));
    expect(web.encodeBase64Url(JSON.stringify(["info", { text: "ünï \ud800" }]))).toBe(payload);
    expect(await signer.verify(`${name}=${payload}`, "A".repeat(43))).toBe(false);
  });
});
