/**
 * Signing and encoding primitives for Node.js, picked by the package's `node` export condition
 * (`#signing`). `signing-web.ts` is the same contract on Web Crypto for Bun, Deno and edge runtimes.
 *
 * Node's `createHmac` with a prepared `KeyObject` signs synchronously in about 2 µs, so on Node the
 * cookie store never awaits.
 */
import { createHmac, createSecretKey, type KeyObject, randomFillSync } from "node:crypto";
import type { Signer } from "./types.js";

/** Characters of an unpadded base64url HMAC-SHA256 tag (32 bytes). */
const MAC_CHARS = 43;

/**
 * Creates an HMAC-SHA256 signer: the first secret signs, every secret verifies (for rotation).
 *
 * @example
 * const signer = createSigner(["new secret ...", "old secret ..."]);
 * const mac = signer.sign("flash.abc=payload");
 */
export function createSigner(secrets: readonly string[]): Signer {
  const keys: KeyObject[] = secrets.map((secret) => createSecretKey(Buffer.from(secret, "utf8")));
  const signingKey = keys[0];
  if (!signingKey) throw new TypeError("createSigner needs at least one secret");
  return {
    sync: true,
    sign(data: string): string {
      return createHmac("sha256", signingKey).update(data, "utf8").digest("base64url");
    },
    verify(data: string, mac: string): boolean {
      // Compared as base64url text: only the canonical spelling of the tag can match (Buffer's decoder
      // would skip stray characters, take "+/" for "-_" and ignore the spare bits of the last one),
      // and there is no decoding to pay for.
      if (mac.length !== MAC_CHARS) return false;
      for (const key of keys) {
        if (equalInConstantTime(createHmac("sha256", key).update(data, "utf8").digest("base64url"), mac)) return true;
      }
      return false;
    },
  };
}

/**
 * Whether two strings of one length are equal, in a time that depends only on that length (the
 * length of a MAC is public), as `crypto.timingSafeEqual` but without encoding both to buffers.
 */
function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** Encodes text as UTF-8, then as unpadded base64url. */
export function encodeBase64Url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** Decodes unpadded base64url to UTF-8 text; `undefined` when the input is not valid base64url or UTF-8. */
export function decodeBase64Url(encoded: string): string | undefined {
  if (!BASE64URL.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, "base64url");
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Number of bytes of `text` in UTF-8. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** `count` random bytes as lower-case hex. */
export function randomHex(count: number): string {
  // One call into the CSPRNG costs about 5 µs whatever its size, so draw from a pool.
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString("hex", poolOffset, poolOffset + count);
  poolOffset += count;
  return hex;
}

const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
