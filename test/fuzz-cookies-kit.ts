/**
 * The hostile-cookie model shared by test/fuzz-cookies.core.test.ts (Node's `createHmac` signer) and
 * test/fuzz-cookies-web.core.test.ts (Web Crypto signer): fast-check arbitraries that build `Cookie`
 * headers out of valid, forged, truncated, re-signed, renamed, oversized and duplicated flash
 * cookies mixed with garbage, and an oracle that signs with `node:crypto` directly, independent of
 * the code under test, so it knows which messages a header really carries.
 */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import type { FlashLogger, FlashRequest, FlashStore, StoredFlash } from "../src/index.js";
import type { CookieStoreOptions } from "../src/stores/cookie.js";

/** The configured secrets: the first signs, both verify. */
export const SECRETS = ["fuzz-secret-current-0123456789-abcdef", "fuzz-secret-previous-0123456789-abcdef"] as const;
/** A secret the stores under test do not know. */
export const FOREIGN_SECRET = "fuzz-secret-foreign-0123456789-abcdef";
/** Prefixes the stores are made with (`__Host-` needs `secure: true`). */
export const PREFIXES = ["flash.", "__Host-fl.", "f"] as const;
export type Prefix = (typeof PREFIXES)[number];

/** The seed of every property: `FUZZ_SEED=<n>` replays a run, `FUZZ_SEED=random` explores. */
export const SEED =
  process.env.FUZZ_SEED === "random"
    ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
    : process.env.FUZZ_SEED
      ? Number(process.env.FUZZ_SEED)
      : 0x5eedf1a5;

/** Scales every property's number of runs: `FUZZ_SCALE=10` for a long run. */
export const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

const BASE36 = [..."0123456789abcdefghijklmnopqrstuvwxyz"];
const HEX = [..."0123456789abcdef"];
const BASE64URL = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"];
/** Latin-1 text without ";": what Node makes of arbitrary header bytes, minus the pair separator. */
const LATIN1_NO_SEMICOLON = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== ";");

/** `b64url(JSON)`, as the store writes it. */
export function encodePayload(json: string): string {
  return Buffer.from(json, "utf8").toString("base64url");
}

/** The MAC the store must accept for `name=payload` under `secret`, computed here, not by the store. */
export function mac(secret: string, name: string, payload: string): string {
  return createHmac("sha256", secret).update(`${name}=${payload}`, "utf8").digest("base64url");
}

/** A signed cookie value for `json` under `name`. */
export function signedValue(secret: string, name: string, json: string): string {
  const payload = encodePayload(json);
  return `${payload}.${mac(secret, name, payload)}`;
}

/** One `name=value` piece of a generated header; `valid` when the store must return it. */
export interface Piece {
  readonly kind: string;
  readonly text: string;
  readonly valid?: { readonly name: string; readonly json: string };
}

/** A generated header and the messages it must (and only may) yield. */
export interface HostileHeader {
  readonly prefix: Prefix;
  readonly header: string;
  readonly pieces: readonly Piece[];
}

const idArb = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...BASE36), minLength: 11, maxLength: 11 }),
    fc.string({ unit: fc.constantFrom(...HEX), minLength: 6, maxLength: 6 }),
  )
  .map(([stamp, random]) => stamp + random);

const categoryArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("message", "error", "success", "info", "warning") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);

const messageArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -0.5, 1e21) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const junkArb = fc.string({ unit: fc.constantFrom(...LATIN1_NO_SEMICOLON), maxLength: 24 });
const wsArb = fc.constantFrom("", "", "", " ", "\t", "  ");
const separatorArb = fc.constantFrom("; ", "; ", ";", " ; ", ";\t", ";  ");
const macCharsArb = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 43, maxLength: 43 });

/**
 * What one piece is, before the pool of ids is known: `id` and `other` index into the header's id
 * pool, so pieces collide on names (duplicates, name swaps) as a cookie-tossing attacker would make them.
 */
const specArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("valid" as const), secret: fc.constantFrom(0, 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("foreign" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("forged-mac" as const), macChars: macCharsArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("truncated" as const), cut: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("extended" as const),
      suffix: fc.string({ unit: fc.constantFrom(...BASE64URL, ".", "=", '"', "\u00a0"), minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("renamed" as const), other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("payload-swap" as const), otherMessage: messageArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("malleated" as const), flip: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("oversized" as const), extra: fc.nat(1500) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("nbsp-name" as const), before: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("case-changed-prefix" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("quoted" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("junk-prefixed" as const), name: junkArb, value: junkArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("junk" as const), text: junkArb }) },
);

type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

const entryArb = fc.record({
  spec: specArb,
  id: fc.nat(),
  category: categoryArb,
  message: messageArb,
  ws: fc.tuple(wsArb, wsArb, wsArb, wsArb),
  separator: separatorArb,
});

function materialize(
  prefix: Prefix,
  ids: readonly string[],
  entry: {
    spec: Spec;
    id: number;
    category: string;
    message: unknown;
    ws: [string, string, string, string];
    separator: string;
  },
): Piece {
  const { spec, category, message } = entry;
  const id = ids[entry.id % ids.length]!;
  const name = prefix + id;
  const json = JSON.stringify([category, message]);
  const [w1, w2, w3, w4] = entry.ws;
  const pair = (n: string, v: string) => `${w1}${n}${w2}=${w3}${v}${w4}`;
  const good = signedValue(SECRETS[0], name, json);
  switch (spec.kind) {
    case "valid":
      return {
        kind: spec.kind,
        text: pair(name, signedValue(SECRETS[spec.secret], name, json)),
        valid: { name, json },
      };
    case "foreign":
      return { kind: spec.kind, text: pair(name, signedValue(FOREIGN_SECRET, name, json)) };
    case "forged-mac":
      return { kind: spec.kind, text: pair(name, `${encodePayload(json)}.${spec.macChars}`) };
    case "truncated":
      return { kind: spec.kind, text: pair(name, good.slice(0, spec.cut % good.length)) };
    case "extended":
      return { kind: spec.kind, text: pair(name, good + spec.suffix) };
    case "renamed": {
      let other = ids[spec.other % ids.length]!;
      if (other === id) other = id.slice(0, -1) + (id.endsWith("0") ? "1" : "0");
      return { kind: spec.kind, text: pair(prefix + other, good) };
    }
    case "payload-swap": {
      const otherJson = JSON.stringify([category, spec.otherMessage]);
      if (otherJson === json) return { kind: spec.kind, text: pair(name, good), valid: { name, json } };
      const tag = good.slice(good.lastIndexOf(".") + 1);
      return { kind: spec.kind, text: pair(name, `${encodePayload(otherJson)}.${tag}`) };
    }
    case "malleated": {
      // Same tag bytes, other spelling: the spare low bits of the last character, or "-_" as "+/".
      const dot = good.lastIndexOf(".");
      const tag = good.slice(dot + 1);
      const last = BASE64URL.indexOf(tag.at(-1)!);
      let spelled = tag.slice(0, -1) + BASE64URL[last ^ spec.flip]!;
      if (spec.flip === 3 && /[-_]/.test(tag)) spelled = tag.replace("-", "+").replace("_", "/");
      return { kind: spec.kind, text: pair(name, `${good.slice(0, dot)}.${spelled}`) };
    }
    case "oversized": {
      // Signed with the right secret and name, but name=value past the 4096 bytes a browser keeps.
      const bigJson = JSON.stringify([category, "x".repeat(3050 + spec.extra)]);
      return { kind: spec.kind, text: pair(name, signedValue(SECRETS[0], name, bigJson)) };
    }
    case "nbsp-name": {
      // Node reads header bytes as latin1: 0xA0 is NBSP. `flash.x\u00a0` is another cookie than `flash.x`.
      const other = spec.before ? `\u00a0${name}` : `${name}\u00a0`;
      return { kind: spec.kind, text: pair(other, good) };
    }
    case "case-changed-prefix": {
      const upper = prefix.toUpperCase() === prefix ? prefix.toLowerCase() : prefix.toUpperCase();
      return { kind: spec.kind, text: pair(upper + id, signedValue(SECRETS[0], upper + id, json)) };
    }
    case "quoted":
      return { kind: spec.kind, text: pair(name, `"${good}"`) };
    case "junk-prefixed":
      return { kind: spec.kind, text: `${prefix}${spec.name}=${spec.value}` };
    case "junk":
      return { kind: spec.kind, text: spec.text };
  }
}

/**
 * A `Cookie` header of up to `maxPieces` pieces over a pool of 1 to 6 message ids (so names repeat),
 * joined by lenient separators. Junk carries no ";", so every valid piece stays its own pair and the
 * store must return it.
 */
export function hostileHeaderArb(maxPieces = 24): fc.Arbitrary<HostileHeader> {
  return fc
    .record({
      prefix: fc.constantFrom(...PREFIXES),
      ids: fc.uniqueArray(idArb, { minLength: 1, maxLength: 6 }),
      entries: fc.array(entryArb, { maxLength: maxPieces }),
      trailing: fc.constantFrom("", ";", "; "),
    })
    .map(({ prefix, ids, entries, trailing }) => {
      const pieces = entries.map((entry) => materialize(prefix, ids, entry));
      let header = "";
      for (const [i, piece] of pieces.entries()) header += (i === 0 ? "" : entries[i]!.separator) + piece.text;
      return { prefix, header: header + trailing, pieces };
    });
}

/** Valid cookies signed once, to splice intact into arbitrary headers. */
export function signedPool(prefix: Prefix, count: number): Array<{ name: string; json: string; text: string }> {
  return Array.from({ length: count }, (_, i) => {
    const id = `${(1_700_000_000_000 + i * 1000).toString(36).padStart(11, "0")}${i.toString(16).padStart(6, "0")}`;
    const name = prefix + id;
    const json = JSON.stringify(["info", `pooled <b>${i}</b>`]);
    return { name, json, text: `${name}=${signedValue(SECRETS[i % 2]!, name, json)}` };
  });
}

/**
 * An arbitrary `Cookie` header: random latin1 bytes (what Node makes of non-UTF-8), control
 * characters, separators, quotes, the prefix, valid-looking ids and MACs, huge runs, and now and then
 * a valid cookie from `pool` or one signed with a foreign secret.
 */
export function arbitraryHeaderArb(prefix: Prefix, pool: ReadonlyArray<{ text: string }>): fc.Arbitrary<string> {
  const latin1 = fc.uint8Array({ maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("latin1"));
  const token = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(prefix, prefix, "flash.", ";", "; ", "=", '"', ".", " ", "\t", ",", "\\") },
    { weight: 3, arbitrary: latin1 },
    { weight: 2, arbitrary: idArb },
    { weight: 1, arbitrary: macCharsArb },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 60 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 16 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c, 0x7f)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 6000 }).map((n) => "A".repeat(n)) },
    { weight: 2, arbitrary: fc.constantFrom(...pool.map((p) => p.text)) },
    {
      weight: 1,
      arbitrary: idArb.map((id) => `${prefix}${id}=${signedValue(FOREIGN_SECRET, prefix + id, '["info","x"]')}`),
    },
  );
  return fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join(""));
}

/** A store's debug log, checked for control characters a hostile name could inject. */
export function recordingLogger(): { debug(message: string): void; warn(message: string): void; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug(message) {
      lines.push(message);
    },
    warn(message) {
      lines.push(message);
    },
  };
}

/** A FlashRequest over a header, for `store.load()`. */
export function requestFor(cookieHeader: string): FlashRequest {
  return { cookieHeader, appendSetCookie() {} };
}

/** Fails the property with `message` (plain throws: `expect()` per case would double the run time). */
function fail(message: string): never {
  throw new Error(message);
}

/**
 * Soundness and completeness of one load: every message returned is the first valid piece of its
 * name, and every name with a valid piece is returned, oldest first.
 */
export function checkAgainstModel(hostile: HostileHeader, loaded: readonly StoredFlash[]): void {
  const expected = new Map<string, string>();
  for (const piece of hostile.pieces) {
    if (piece.valid && !expected.has(piece.valid.name)) expected.set(piece.valid.name, piece.valid.json);
  }
  const seen = new Set<string>();
  let previous = "";
  for (const entry of loaded) {
    const name = hostile.prefix + entry.id;
    if (seen.has(name)) fail(`message ${name} returned twice`);
    seen.add(name);
    if (expected.get(name) !== entry.json) fail(`returned ${JSON.stringify(entry.json)}, not signed under ${name}`);
    if (JSON.stringify([entry.category, entry.message]) !== entry.json) fail(`${name}: fields differ from its JSON`);
    if (entry.id <= previous) fail("messages out of order");
    previous = entry.id;
  }
  for (const name of expected.keys()) if (!seen.has(name)) fail(`the validly signed ${name} was not returned`);
}

/** Soundness alone: whatever is returned was signed, under exactly that name, by a configured secret. */
export function checkSigned(prefix: string, loaded: readonly StoredFlash[], cookieHeader: string): void {
  for (const entry of loaded) {
    const name = prefix + entry.id;
    const payload = encodePayload(entry.json);
    const signed = SECRETS.some((secret) => cookieHeader.includes(`${name}=${payload}.${mac(secret, name, payload)}`));
    if (!signed) fail(`returned ${name}, which no configured secret signed`);
  }
}

/** Every log line is printable ASCII (a hostile cookie name cannot forge log lines or send escapes); then clears them. */
export function checkLog(lines: string[]): void {
  for (const line of lines)
    if (!/^[\x20-\x7e]*$/.test(line)) fail(`log line with control characters: ${JSON.stringify(line)}`);
  lines.length = 0;
}

/** Makes the three stores (one per prefix) from a store factory. */
export function storesByPrefix(
  make: (options: CookieStoreOptions) => FlashStore,
  logger: FlashLogger,
): Record<Prefix, FlashStore> {
  return Object.fromEntries(
    // Ids of any age: the default maxAge (600 s) would ignore every generated id stamped before now.
    PREFIXES.map((prefix) => [prefix, make({ secret: SECRETS, prefix, secure: true, logger, maxAge: 1e10 })]),
  ) as Record<Prefix, FlashStore>;
}

/** Runs a property and returns how many runs it made, for the summary line. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * SCALE));
}
