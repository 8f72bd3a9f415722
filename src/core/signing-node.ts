/**
 * Signing and encoding primitives for Node.js, picked by the package's `node` export condition
 * (`#signing`). `signing-web.ts` is the same contract on Web Crypto for Bun, Deno and edge runtimes.
 *
 * Signing is synchronous on Node, so on Node the cookie store never awaits.
 */
import * as crypto from "node:crypto";
import type { Signer } from "./types.js";

/** Characters of an unpadded base64url HMAC-SHA256 tag (32 bytes). */
const MAC_CHARS = 43;

/**
 * Creates an HMAC-SHA256 signer: the first secret signs, every secret verifies (for rotation). A
 * secret is text (its UTF-8 bytes are the key) or the key's bytes.
 *
 * @example
 * const signer = createSigner(["new secret ...", "old secret ..."]);
 * const mac = signer.sign("flash.abc=payload");
 */
export function createSigner(secrets: ReadonlyArray<string | Uint8Array>): Signer {
  const macs = secrets.map((secret) =>
    hmacSha256Base64Url(typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret)),
  );
  const signWithNewest = macs[0];
  if (!signWithNewest) throw new TypeError("createSigner needs at least one secret");
  return {
    sync: true,
    sign: signWithNewest,
    verify(data: string, mac: string): boolean {
      // Compared as base64url text: only the canonical spelling of the tag can match (Buffer's decoder
      // would skip stray characters, take "+/" for "-_" and ignore the spare bits of the last one),
      // and there is no decoding to pay for.
      if (mac.length !== MAC_CHARS) return false;
      for (const macOf of macs) {
        if (equalInConstantTime(macOf(data), mac)) return true;
      }
      return false;
    },
  };
}

/** SHA-256's block size in bytes: the size of HMAC's padded key. */
const BLOCK_BYTES = 64;

/**
 * HMAC-SHA256 with one key, as a function from UTF-8 text to the unpadded base64url tag.
 *
 * RFC 2104 over Node's one-shot `crypto.hash()`: `H((K ^ opad) || H((K ^ ipad) || data))`. A key of
 * at most 64 ASCII bytes (`openssl rand -base64 32`, hex, most generated secrets) gives a padded inner
 * key that is ASCII too, so the inner hash takes `ipad key + data` as one string: no buffer, no
 * copy. The outer hash takes a buffer of this key's own, `opad key` written once, the inner digest
 * written per call. `createHmac()` builds a stream object per call; this makes two native calls and
 * two short strings, less time and garbage (`npm run bench`'s codec row shows the figures).
 * Other keys, and runtimes without `crypto.hash()` (Node before 20.12, some other runtimes'
 * `node:crypto`), use `createHmac()`.
 */
function hmacSha256Base64Url(secret: Buffer): (data: string) => string {
  const key = crypto.createSecretKey(secret);
  const viaCreateHmac = (data: string): string =>
    crypto.createHmac("sha256", key).update(data, "utf8").digest("base64url");
  const hash = (crypto as { hash?: typeof crypto.hash }).hash;
  if (typeof hash !== "function" || secret.length > BLOCK_BYTES || secret.some((byte) => byte > 0x7f)) {
    return viaCreateHmac;
  }
  // RFC 2104 section 2: a key shorter than the block is padded with zeros.
  const padded = Buffer.alloc(BLOCK_BYTES);
  secret.copy(padded);
  const innerPad = Buffer.from(padded.map((byte) => byte ^ 0x36)).toString("latin1");
  const outer = Buffer.alloc(BLOCK_BYTES + 32);
  for (let i = 0; i < BLOCK_BYTES; i++) outer[i] = padded[i]! ^ 0x5c;
  return (data: string): string => {
    // Hashed as UTF-8: the pad's characters are all below 0x80, so they are its bytes unchanged.
    // The digest comes back as a "binary" (latin1) string, one character per byte.
    outer.write(hash("sha256", innerPad + data, "binary"), BLOCK_BYTES, "binary");
    return hash("sha256", outer, "base64url");
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
  // A call into the CSPRNG costs the same whatever its size, so draw from a pool, kept as hex
  // text: a slice of a string costs less than a Buffer's toString().
  if (count > POOL_BYTES) return crypto.randomBytes(count).toString("hex");
  if (poolOffset + count * 2 > poolHex.length) {
    poolHex = crypto.randomBytes(POOL_BYTES).toString("hex");
    poolOffset = 0;
  }
  const hex = poolHex.slice(poolOffset, poolOffset + count * 2);
  poolOffset += count * 2;
  return hex;
}

const POOL_BYTES = 4096;
let poolHex = "";
let poolOffset = 0;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
