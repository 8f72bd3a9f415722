/**
 * Signing and encoding primitives on Web Crypto, for Bun, Deno, Cloudflare Workers and browsers
 * (`#signing` outside the `node` condition). Same contract as `signing-node.ts`, but `sign` and
 * `verify` return promises, because `crypto.subtle` is asynchronous.
 */
import type { Signer } from "./types.js";

const MAC_BYTES = 32;
const encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Creates an HMAC-SHA256 signer on Web Crypto: the first secret signs, every secret verifies. A
 * secret is text (its UTF-8 bytes are the key) or the key's bytes.
 *
 * @example
 * const signer = createSigner([secret]);
 * const mac = await signer.sign("flash.abc=payload");
 */
export function createSigner(secrets: ReadonlyArray<string | Uint8Array>): Signer {
  if (secrets.length === 0) throw new TypeError("createSigner needs at least one secret");
  const keys = secrets.map((secret) =>
    crypto.subtle.importKey("raw", keyBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]),
  );
  return {
    sync: false,
    async sign(data: string): Promise<string> {
      const key = await (keys[0] as Promise<CryptoKey>);
      return bytesToBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data))));
    },
    async verify(data: string, mac: string): Promise<boolean> {
      const given = base64UrlToBytes(mac) as Uint8Array<ArrayBuffer> | undefined;
      // Only the canonical spelling: atob ignores the two spare bits of the last character.
      if (!given || given.length !== MAC_BYTES || bytesToBase64Url(given) !== mac) return false;
      const bytes = encoder.encode(data);
      for (const key of keys) {
        // crypto.subtle.verify compares in constant time.
        if (await crypto.subtle.verify("HMAC", await key, given, bytes)) return true;
      }
      return false;
    },
  };
}

/** The key of `secret`: its UTF-8 bytes, or a copy of its bytes (so the app cannot change it later). */
function keyBytes(secret: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof secret === "string" ? encoder.encode(secret) : new Uint8Array(secret);
}

/** Encodes text as UTF-8, then as unpadded base64url. */
export function encodeBase64Url(text: string): string {
  return bytesToBase64Url(encoder.encode(text));
}

/** Decodes unpadded base64url to UTF-8 text; `undefined` when the input is not valid base64url or UTF-8. */
export function decodeBase64Url(encoded: string): string | undefined {
  const bytes = base64UrlToBytes(encoded);
  if (!bytes) return undefined;
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Number of bytes of `text` in UTF-8. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** `count` random bytes as lower-case hex. */
export function randomHex(count: number): string {
  let hex = "";
  for (const byte of crypto.getRandomValues(new Uint8Array(count))) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlToBytes(encoded: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(encoded) || encoded.length % 4 === 1) return undefined;
  const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
