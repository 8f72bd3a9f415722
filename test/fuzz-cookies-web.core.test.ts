/**
 * The hostile-cookie properties of fuzz-cookies.core.test.ts on the Web Crypto signer (Bun, Deno, edge
 * runtimes), where `load()` verifies asynchronously: fewer cases, same model, same oracle.
 * `FUZZ_SEED` and `FUZZ_SCALE` work as there.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as web from "../src/core/signing-web.js";
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

vi.mock("#signing", () => import("../src/core/signing-web.js"));

const logger = recordingLogger();
const stores = storesByPrefix(cookieStore, logger);
const pools = Object.fromEntries(PREFIXES.map((prefix) => [prefix, signedPool(prefix, 12)])) as Record<
  Prefix,
  ReturnType<typeof signedPool>
>;
const counts: Record<string, number> = {};
const started = performance.now();

async function load(prefix: Prefix, header: string): Promise<readonly StoredFlash[]> {
  return await stores[prefix].load(requestFor(header));
}

async function property<T>(
  name: string,
  base: number,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
): Promise<void> {
  const numRuns = runs(base);
  counts[name] = numRuns;
  await fc.assert(fc.asyncProperty(arbitrary, check), { seed: SEED, numRuns });
}

afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const detail = Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  console.log(
    `fuzz-cookies (Web Crypto signer): seed ${SEED}, ${total} cases (${detail}) in ${Math.round(performance.now() - started)} ms`,
  );
});

describe("cookie store under hostile Cookie headers (Web Crypto signer)", () => {
  it("verifies asynchronously", () => {
    const loaded = stores["flash."].load(requestFor(pools["flash."][0]!.text));
    expect(loaded).toBeInstanceOf(Promise);
  });

  it("returns exactly the validly signed messages of headers mixing valid cookies with every kind of forgery", async () => {
    await property("model", 3_000, hostileHeaderArb(), async (hostile) => {
      logger.lines.length = 0;
      checkAgainstModel(hostile, await load(hostile.prefix, hostile.header));
      checkLog(logger.lines);
    });
  });

  it("never throws and never returns an unsigned message for arbitrary headers", async () => {
    const arbitrary = fc
      .constantFrom(...PREFIXES)
      .chain((prefix) => arbitraryHeaderArb(prefix, pools[prefix]).map((header) => ({ prefix, header })));
    await property("arbitrary", 2_000, arbitrary, async ({ prefix, header }) => {
      logger.lines.length = 0;
      checkSigned(prefix, await load(prefix, header), header);
      checkLog(logger.lines);
    });
  });

  it("rejects a MAC in any but its canonical spelling", async () => {
    const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    await property(
      "spellings",
      1_000,
      fc.record({ id: fc.integer({ min: 0, max: 2 ** 40 }), flip: fc.integer({ min: 1, max: 3 }) }),
      async ({ id, flip }) => {
        const name = `flash.${id.toString(36).padStart(11, "0")}000000`;
        const payload = encodePayload(JSON.stringify(["info", id]));
        const tag = mac(SECRETS[1], name, payload);
        const signer = web.createSigner([...SECRETS]);
        expect(await signer.verify(`${name}=${payload}`, tag)).toBe(true);
        const respelled = tag.slice(0, -1) + b64[b64.indexOf(tag.at(-1)!) ^ flip];
        expect(await signer.verify(`${name}=${payload}`, respelled)).toBe(false);
        expect(await load("flash.", `${name}=${payload}.${respelled}`)).toEqual([]);
        expect(await load("flash.", `${name}=${signedValue(SECRETS[1], name, JSON.stringify(["info", id]))}`)).toEqual([
          expect.objectContaining({ message: id }),
        ]);
      },
    );
    logger.lines.length = 0;
  });
});
