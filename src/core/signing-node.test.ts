import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSigner, randomHex } from "./signing-node.js";

/** The reference: Node's own HMAC-SHA256, as the signer computed it before it was built on `crypto.hash()`. */
const reference = (secret: string, data: string) =>
  createHmac("sha256", secret).update(data, "utf8").digest("base64url");

describe("createSigner (node)", () => {
  it("matches createHmac for ASCII and non-ASCII keys shorter than, as long as and longer than the 64-byte block", () => {
    for (const bytes of [32, 63, 64, 65, 100, 200]) {
      // base64 text takes the crypto.hash() path up to 64 bytes; latin1 text (characters past 0x7f take
      // two bytes in UTF-8) and longer keys take createHmac()
      const ascii = randomBytes(bytes).toString("base64").slice(0, bytes);
      const latin1 = randomBytes(bytes).toString("latin1");
      for (const secret of [ascii, latin1]) {
        const signer = createSigner([secret]);
        for (const data of ["", "flash.x=eyJ9", "x".repeat(63), "y".repeat(64), "z".repeat(1000)]) {
          expect(signer.sign(data), `${bytes}-character key, ${data.length} characters`).toBe(reference(secret, data));
        }
      }
    }
  });

  it("matches createHmac for multi-byte UTF-8, lone surrogates and long data", () => {
    const secret = "s".repeat(40);
    const signer = createSigner([secret]);
    for (const data of [
      "ünïcödé ✓ 🎉",
      "lone \ud800 surrogate \udfff",
      "é".repeat(4096),
      "🎉".repeat(2048),
      "a".repeat(4096),
      "a".repeat(4097),
      "ü".repeat(50_000),
    ]) {
      expect(signer.sign(data), `${data.length} characters`).toBe(reference(secret, data));
    }
  });

  it("keeps signers with different keys apart", () => {
    const first = createSigner(["a".repeat(32)]);
    const second = createSigner(["b".repeat(70)]);
    for (let i = 0; i < 50; i++) {
      const data = `flash.${i}=${"p".repeat(i * 37)}`;
      expect(first.sign(data)).toBe(reference("a".repeat(32), data));
      expect(second.sign(data)).toBe(reference("b".repeat(70), data));
      expect(first.verify(data, second.sign(data) as string)).toBe(false);
    }
  });

  it("signs with the first secret and verifies with every one", () => {
    const signer = createSigner(["new".repeat(11), "old".repeat(11)]);
    const data = "flash.abc=payload";
    expect(signer.sign(data)).toBe(reference("new".repeat(11), data));
    expect(signer.verify(data, reference("new".repeat(11), data))).toBe(true);
    expect(signer.verify(data, reference("old".repeat(11), data))).toBe(true);
    expect(signer.verify(data, reference("other".repeat(7), data))).toBe(false);
    expect(signer.verify(`${data}x`, reference("new".repeat(11), data))).toBe(false);
  });

  it("refuses a MAC of the wrong length or spelling without throwing", () => {
    const signer = createSigner(["k".repeat(32)]);
    const mac = reference("k".repeat(32), "d");
    expect(signer.verify("d", mac)).toBe(true);
    expect(signer.verify("d", mac.slice(0, -1))).toBe(false);
    expect(signer.verify("d", `${mac}A`)).toBe(false);
    expect(signer.verify("d", `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`)).toBe(false);
    // The same tag in standard base64 ("+/" for "-_") is not the canonical spelling.
    const data = Array.from({ length: 100 }, (_, i) => `d${i}`).find((d) => /[-_]/.test(reference("k".repeat(32), d)));
    const urlSafe = reference("k".repeat(32), data as string);
    expect(signer.verify(data as string, urlSafe)).toBe(true);
    expect(signer.verify(data as string, urlSafe.replaceAll("-", "+").replaceAll("_", "/"))).toBe(false);
  });
});

describe("randomHex (node)", () => {
  it("returns 2 × count lower-case hex characters, never the same twice, across pool refills", () => {
    const seen = new Set<string>();
    // 3,000 × 8 bytes crosses the 4,096-byte pool several times
    for (let i = 0; i < 3000; i++) {
      const hex = randomHex(8);
      expect(hex).toMatch(/^[0-9a-f]{16}$/);
      seen.add(hex);
    }
    expect(seen.size).toBe(3000);
  });

  it("serves a count larger than its pool in full", () => {
    expect(randomHex(5000)).toMatch(/^[0-9a-f]{10000}$/);
    expect(randomHex(4096)).toMatch(/^[0-9a-f]{8192}$/);
    expect(randomHex(0)).toBe("");
  });
});
