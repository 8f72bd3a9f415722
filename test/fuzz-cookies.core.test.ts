/**
 * Hostile input against the cookie store on Node's signer: property tests (fast-check, seeded)
 * over `Cookie` headers full of forged, truncated, re-signed, renamed, oversized, duplicated and
 * non-UTF-8 cookies. `store.load()` must never throw, never return a message that a configured
 * secret did not sign under exactly that cookie name, and still return every valid message.
 *
 * Reproduce a run with `FUZZ_SEED=<seed printed below>`; explore with `FUZZ_SEED=random`, go longer
 * with `FUZZ_SCALE=10`. The Web Crypto signer runs the same model in fuzz-cookies-web.core.test.ts.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readPrefixedCookies } from "../src/core/cookies.js";
import { createSigner } from "../src/core/signing-node.js";
import type { StoredFlash } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import {
  arbitraryHeaderArb,
  checkAgainstModel,
  checkLog,
  checkSigned,
  encodePayload,
  hostileHeaderArb,
  mac,
  PREFIXES,
  type Prefix,
  recordingLogger,
  requestFor,
  runs,
  SECRETS,
  SEED,
  signedPool,
  signedValue,
  storesByPrefix,
} from "./fuzz-cookies-kit.js";

const logger = recordingLogger();
const stores = storesByPrefix(cookieStore, logger);
const pools = Object.fromEntries(PREFIXES.map((prefix) => [prefix, signedPool(prefix, 12)])) as Record<
  Prefix,
  ReturnType<typeof signedPool>
>;
const counts: Record<string, number> = {};
const started = performance.now();

function load(prefix: Prefix, header: string): readonly StoredFlash[] {
  const loaded = stores[prefix].load(requestFor(header));
  if (loaded instanceof Promise) throw new Error("the Node signer must load synchronously");
  return loaded;
}

function property<T>(name: string, base: number, arbitrary: fc.Arbitrary<T>, check: (value: T) => void): void {
  const numRuns = runs(base);
  counts[name] = numRuns;
  fc.assert(fc.property(arbitrary, check), { seed: SEED, numRuns });
}

afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const detail = Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  console.log(
    `fuzz-cookies (node signer): seed ${SEED}, ${total} cases (${detail}) in ${Math.round(performance.now() - started)} ms`,
  );
});

describe("cookie store under hostile Cookie headers (node signer)", () => {
  it("returns exactly the validly signed messages of headers mixing valid cookies with every kind of forgery", () => {
    property("model", 25_000, hostileHeaderArb(), (hostile) => {
      logger.lines.length = 0;
      checkAgainstModel(hostile, load(hostile.prefix, hostile.header));
      checkLog(logger.lines);
    });
  });

  it("never throws and never returns an unsigned message for arbitrary headers (latin1 bytes, controls, huge runs)", () => {
    const arbitrary = fc
      .constantFrom(...PREFIXES)
      .chain((prefix) => arbitraryHeaderArb(prefix, pools[prefix]).map((header) => ({ prefix, header })));
    property("arbitrary", 30_000, arbitrary, ({ prefix, header }) => {
      logger.lines.length = 0;
      checkSigned(prefix, load(prefix, header), header);
      checkLog(logger.lines);
    });
  });

  it("reads an edited cookie exactly when its name and value survive the edits as one pair", () => {
    const alphabet = fc.oneof(
      fc.constantFrom(...'AQgw-_+/=.; \t"\u00a0'),
      fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)),
    );
    const edit = fc.record({ op: fc.constantFrom("replace", "insert", "delete"), at: fc.nat(), ch: alphabet });
    const arbitrary = fc.record({
      prefix: fc.constantFrom(...PREFIXES),
      stamp: fc.integer({ min: 0, max: 2 ** 40 }),
      secret: fc.constantFrom(0, 1),
      message: fc.string({ unit: "binary", maxLength: 30 }),
      edits: fc.array(edit, { minLength: 1, maxLength: 3 }),
    });
    property("edits", 45_000, arbitrary, ({ prefix, stamp, secret, message, edits }) => {
      const name = `${prefix}${stamp.toString(36).padStart(11, "0")}abcdef`;
      const json = JSON.stringify(["info", message]);
      const value = signedValue(SECRETS[secret], name, json);
      let text = `${name}=${value}`;
      for (const { op, at, ch } of edits) {
        const i = at % (text.length + 1);
        if (op === "insert") text = text.slice(0, i) + ch + text.slice(i);
        else if (op === "replace") text = text.slice(0, i) + ch + text.slice(i + 1);
        else text = text.slice(0, i) + text.slice(i + 1);
      }
      logger.lines.length = 0;
      const header = `theme=dark; ${text}; lang=en`;
      const loaded = load(prefix, header);
      // RFC 6265 section 5.2: pairs split at ";", name and value at the first "=", only WSP trimmed.
      const wsp = (part: string) => part.replace(/^[ \t]+|[ \t]+$/g, "");
      const survived = header.split(";").some((pair) => {
        const eq = pair.indexOf("=");
        return eq !== -1 && wsp(pair.slice(0, eq)) === name && wsp(pair.slice(eq + 1)) === value;
      });
      if (loaded.length !== (survived ? 1 : 0)) {
        throw new Error(
          `${JSON.stringify(text)}: ${loaded.length} message(s), but the pair ${survived ? "survived" : "did not survive"}`,
        );
      }
      if (loaded[0] && (prefix + loaded[0].id !== name || loaded[0].json !== json)) throw new Error("another message");
      checkLog(logger.lines);
    });
  });
});

describe("cookie store edge cases found or guarded by the properties", () => {
  const prefix = "flash.";
  const name = `${prefix}0000000000a000000`;
  const json = JSON.stringify(["info", "hi"]);
  const value = signedValue(SECRETS[0], name, json);

  it("binds the exact name: NBSP (byte 0xA0 read as latin1) around a name makes another cookie", () => {
    expect(load(prefix, `${name}=${value}`)).toHaveLength(1);
    expect(load(prefix, ` \t${name} \t= \t${value} \t`)).toHaveLength(1);
    expect(load(prefix, `${name}\u00a0=${value}`)).toEqual([]);
    expect(load(prefix, `\u00a0${name}=${value}`)).toEqual([]);
    expect(load(prefix, `${name}=${value}\u00a0`)).toEqual([]);
    expect(readPrefixedCookies("\u00a0flash.a\u00a0=1\u00a0; flash.b=2", prefix, 10)).toEqual([["flash.b", "2"]]);
    logger.lines.length = 0;
  });

  it("accepts only the canonical spelling of a MAC", () => {
    const payload = encodePayload(json);
    const tag = mac(SECRETS[0], name, payload);
    const signer = createSigner([...SECRETS]);
    expect(signer.verify(`${name}=${payload}`, tag)).toBe(true);
    const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = b64.indexOf(tag.at(-1)!);
    for (const flip of [1, 2, 3]) {
      expect(signer.verify(`${name}=${payload}`, tag.slice(0, -1) + b64[last ^ flip])).toBe(false);
    }
    const withSlash = "A".repeat(42).replace(/^A/, "_") + "A";
    expect(signer.verify("x", withSlash.replace("_", "/"))).toBe(false);
    expect(signer.verify(`${name}=${payload}`, `${tag}=`)).toBe(false);
    expect(signer.verify(`${name}=${payload}`, ` ${tag.slice(1)}`)).toBe(false);
  });

  it("logs a hostile cookie name as printable ASCII only", () => {
    const hostile = `${prefix}\u001b[31m\r\nFAKE LOG LINE\u009b\u00a0`;
    expect(load(prefix, `${hostile}=x`)).toEqual([]);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join("\n")).not.toMatch(/[^\x20-\x7e\n]/);
    checkLog(logger.lines);
  });

  it("stays linear on megabyte headers, whatever their shape", () => {
    const shapes = [
      `${prefix}x=1;`.repeat(100_000),
      `a=${prefix.repeat(170_000)}`,
      `${name}=${"A".repeat(1_000_000)}`,
      `${`${name}=${value}; `.repeat(9_000)}`,
      ";".repeat(1_000_000) + `${name}=${value}`,
      `${prefix}=`.repeat(140_000),
    ];
    for (const header of shapes) {
      const start = performance.now();
      const loaded = load(prefix, header);
      expect(performance.now() - start, `header of ${header.length} chars`).toBeLessThan(500);
      checkSigned(prefix, loaded, header);
    }
    logger.lines.length = 0;
  });

  it("reads at most 1000 flash cookies of one header, all of them verified", () => {
    const pool = Array.from({ length: 1100 }, (_, i) => {
      const n = `${prefix}${(1_700_000_000_000 + i).toString(36).padStart(11, "0")}000000`;
      return `${n}=${signedValue(SECRETS[0], n, JSON.stringify(["info", i]))}`;
    });
    const header = pool.join("; ");
    const loaded = load(prefix, header);
    expect(loaded).toHaveLength(1000);
    expect(loaded.map((entry) => entry.message)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    checkSigned(prefix, loaded, header);
  });
});
