/**
 * A store that keeps pending messages in the app's own session, under `_flashes`, in Flask's shape:
 * a list of `[category, message]` pairs, oldest first. It works with any session whose object the
 * adapter hands over as `FlashRequest.session`: plain objects (express-session, cookie-session,
 * koa-session) and objects with `get(key)` / `set(key, value)` (@fastify/session,
 * @fastify/secure-session, whose session is a proxy where `delete` has no effect).
 *
 * A request's delta is applied to the session object of that request: the pairs it consumed are
 * removed (matched by content, so a session reloaded or copied between load and commit still loses
 * exactly those) and the new pairs are appended, always as a new list so that sessions which detect
 * changes by content (cookie-session, koa-session, @fastify/session) or by a `set()` call
 * (@fastify/secure-session) see it. The session middleware then saves the whole session, so this
 * store is only as safe under overlapping requests as that session store: two overlapping requests
 * of one client each save their own copy, and the last one wins.
 */
import { utf8Length } from "#signing";
import { FlashError } from "../core/errors.js";
import type { FlashDelta, FlashRequest, FlashStore, StoredFlash } from "../core/types.js";
import { isFlashPair } from "./shared.js";

/** Options of {@link sessionStore}. */
export interface SessionStoreOptions {
  /**
   * The session key that holds the list of pending `[category, message]` pairs. A session that
   * leaves keys starting with `_` out of what it saves (koa-session) cannot take such a key: without
   * this option the store then uses `"flashes"`; with it, that session is a `FlashError`.
   * @default "_flashes" (Flask's), or "flashes" in a session that does not save `_` keys
   */
  key?: string;
  /**
   * The most bytes (of JSON) all pending messages of one session may take. Past it the oldest are
   * dropped and reported; one message larger than this throws `ERR_FLASH_MESSAGE_TOO_LARGE` at
   * `flash()`. Set it (to about 3000) with a session kept in a cookie (cookie-session,
   * @fastify/secure-session, koa-session without a `store`), whose whole cookie must stay under 4096
   * bytes: a browser drops a larger one.
   * @default Infinity
   */
  maxBytes?: number;
}

/** A session as the adapters hand it over: a plain object, or one with `get` / `set` methods. */
type SessionLike = Record<string, unknown> & {
  get?: (key: string) => unknown;
  set?: (key: string, value: unknown) => void;
};

/** Ids of loaded messages: a zero time stamp and the position, so they sort in list order before any new id. */
const LOADED_ID_PREFIX = "0".repeat(11);

const MISSING_SESSION =
  "flashkit's session store needs a session on the request, and there is none: install a session " +
  "middleware — express-session or cookie-session before flashkit (Express), @fastify/cookie with " +
  "@fastify/session or @fastify/secure-session after flashkit (Fastify), koa-session before flashkit (Koa)";

/**
 * Creates a store that keeps messages in the app's session under `_flashes`, as Flask does. No
 * cookie of its own: the session middleware's cookie (or server-side store) carries the messages.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` for a bad option now, and at a request that has no session.
 * @example
 * import session from "express-session";
 * import { sessionStore } from "flashkit";
 *
 * app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
 * app.use(flash({ store: sessionStore() }));
 */
export function sessionStore(options: SessionStoreOptions = {}): FlashStore {
  const explicitKey = options.key;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (explicitKey !== undefined && (typeof explicitKey !== "string" || explicitKey === "")) {
    throw new FlashError("ERR_FLASH_CONFIG", "sessionStore: `key` must be a non-empty string");
  }
  if (!(maxBytes > 0)) {
    throw new FlashError("ERR_FLASH_CONFIG", `sessionStore: maxBytes must be positive, got ${maxBytes}`);
  }
  const underscoreKey = (explicitKey ?? "_flashes").startsWith("_");

  /** The key to use in `session`: `_flashes`, unless the session would not save it. */
  function keyIn(session: SessionLike): string {
    if (!underscoreKey || !dropsPrivateKeys(session)) return explicitKey ?? "_flashes";
    if (explicitKey === undefined) return "flashes";
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `sessionStore: this session (koa-session?) does not save keys that start with "_", so messages under ` +
        `${JSON.stringify(explicitKey)} would be lost: pick a key without the leading underscore`,
    );
  }

  return {
    name: "session",
    usesSession: true,
    maxBytes,

    load(request: FlashRequest): readonly StoredFlash[] {
      const session = sessionOf(request);
      const list = read(session, keyIn(session));
      if (!Array.isArray(list)) return [];
      const messages: StoredFlash[] = [];
      for (const [index, pair] of list.entries()) {
        const json = pairJson(pair);
        if (json === undefined) continue;
        const [category, message] = pair as [string, unknown];
        messages.push({ id: LOADED_ID_PREFIX + index.toString(16).padStart(6, "0"), category, message, json });
      }
      return messages;
    },

    commit(request: FlashRequest, delta: FlashDelta): void {
      const session = sessionOf(request);
      const key = keyIn(session);
      const current = read(session, key);
      let list: unknown[] = Array.isArray(current) ? current : [];
      let changed = delta.add.length > 0;
      if (delta.remove.length > 0) {
        const consumed = new Map<string, number>();
        for (const entry of delta.remove) consumed.set(entry.json, (consumed.get(entry.json) ?? 0) + 1);
        list = list.filter((pair) => {
          const json = pairJson(pair);
          const left = json === undefined ? 0 : (consumed.get(json) ?? 0);
          if (left === 0) return true;
          consumed.set(json as string, left - 1);
          changed = true;
          return false;
        });
      }
      // Nothing of ours left to remove (another request took it, or the session was regenerated).
      if (!changed) return;
      // A fresh copy of each pair, as JSON would bring it back (a Date becomes its string, as in a cookie).
      if (delta.add.length > 0) list = list.concat(delta.add.map((entry) => JSON.parse(entry.json) as unknown));
      write(session, key, list.length > 0 ? list : undefined);
    },

    measure(entry: StoredFlash): number {
      const bytes = utf8Length(entry.json) + 1;
      if (bytes > maxBytes) {
        throw new FlashError(
          "ERR_FLASH_MESSAGE_TOO_LARGE",
          `flash message too large for the session store: it takes ${bytes} bytes of JSON, maxBytes is ${maxBytes}`,
        );
      }
      return bytes;
    },
  };
}

function sessionOf(request: FlashRequest): SessionLike {
  const session = request.session;
  if (typeof session !== "object" || session === null) throw new FlashError("ERR_FLASH_CONFIG", MISSING_SESSION);
  return session as SessionLike;
}

/** Sessions, by prototype, that leave `_` keys out of their JSON (koa-session's `toJSON()` does). */
const dropsPrivateByPrototype = new WeakMap<object, boolean>();
const PROBE = "_flashkitProbe";

function dropsPrivateKeys(session: SessionLike): boolean {
  const toJSON = (session as { toJSON?: unknown }).toJSON;
  if (typeof toJSON !== "function" || hasAccessors(session)) return false;
  const prototype = Object.getPrototypeOf(session) as object | null;
  const cacheable = prototype !== null && prototype !== Object.prototype;
  const known = cacheable ? dropsPrivateByPrototype.get(prototype) : undefined;
  if (known !== undefined) return known;
  // Ask the session itself: set a probe key, see whether its JSON keeps it, take it away again.
  session[PROBE] = true;
  let drops: boolean;
  try {
    const json = toJSON.call(session) as Record<string, unknown> | null;
    drops = !(typeof json === "object" && json !== null && PROBE in json);
  } finally {
    delete session[PROBE];
  }
  if (cacheable) dropsPrivateByPrototype.set(prototype, drops);
  return drops;
}

function hasAccessors(session: SessionLike): boolean {
  return typeof session.get === "function" && typeof session.set === "function";
}

function read(session: SessionLike, key: string): unknown {
  return hasAccessors(session) ? (session.get as (key: string) => unknown)(key) : session[key];
}

/** Writes the list, or removes the key when `value` is `undefined` (as Flask pops `_flashes`). */
function write(session: SessionLike, key: string, value: unknown[] | undefined): void {
  // A get/set session: @fastify/secure-session's proxy ignores `delete`, and JSON drops an undefined value.
  if (hasAccessors(session)) (session.set as (key: string, value: unknown) => void)(key, value);
  else if (value === undefined) delete session[key];
  else session[key] = value;
}

/** The JSON of a well-formed `[category, message]` pair, or `undefined` for anything else. */
function pairJson(pair: unknown): string | undefined {
  if (!isFlashPair(pair)) return undefined;
  try {
    return JSON.stringify(pair);
  } catch {
    return undefined;
  }
}
