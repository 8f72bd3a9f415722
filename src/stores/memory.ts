/**
 * A store that keeps messages in a Map of this process. The browser holds one small cookie per
 * pending message, `prefix + id = token`, where the token is 128 random bits that only that client
 * has: a delta removes exactly the consumed ids and adds the new ones, so overlapping requests never
 * erase each other's messages. A message can show twice only when two reads overlap (both loaded it
 * before either committed); a request that starts after a read has committed no longer sees it.
 * For tests and single-process apps; use the Redis store for many instances.
 */
import { randomHex } from "#signing";
import { type MessageCookieOptions, readPrefixedCookies, resolveMessageCookies } from "../core/cookies.js";
import { FlashError } from "../core/errors.js";
import { isFlashId } from "../core/ids.js";
import { byId } from "../core/jar.js";
import type { FlashDelta, FlashLogger, FlashRequest, FlashStore, StoredFlash } from "../core/types.js";

/** Characters of a token: 16 random bytes in hex. */
const TOKEN_CHARS = 32;
const MAX_COOKIES_READ = 200;

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions extends MessageCookieOptions {
  /**
   * Seconds an unread message is kept in memory.
   * @default 86400 (one day), or `maxAge` when that is set
   */
  ttl?: number;
  /**
   * The most messages kept for all clients together; past it the oldest are evicted, with a warning.
   * @default 100000
   */
  maxEntries?: number;
  /** Where eviction warnings go. @default console.warn */
  logger?: FlashLogger | undefined;
}

/** A memory store, with a way for tests to look inside. */
export interface MemoryStore extends FlashStore {
  /** How many messages the process holds for all clients. */
  readonly size: number;
  /** Forgets every message. */
  clear(): void;
}

interface Held {
  readonly entry: StoredFlash;
  readonly token: string;
  readonly expires: number;
}

/**
 * Creates an in-process store.
 *
 * @example
 * app.use(flash({ store: memoryStore() }));
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const cookies = resolveMessageCookies(options);
  const { prefix } = cookies;
  const logger = options.logger ?? { debug() {}, warn: (message: string) => console.warn(message) };
  const ttl = options.ttl ?? cookies.maxAge ?? 86_400;
  const maxEntries = options.maxEntries ?? 100_000;
  if (!(ttl > 0) || !Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new FlashError("ERR_FLASH_CONFIG", "memoryStore: ttl must be positive and maxEntries a whole number >= 1");
  }
  // Insertion order is flash order, so the first keys are the oldest: eviction and expiry walk from the front.
  const held = new Map<string, Held>();
  const cookieBytes = prefix.length + 17 + 1 + TOKEN_CHARS + 2;

  function sweep(now: number): void {
    for (const [id, item] of held) {
      if (item.expires > now && held.size <= maxEntries) break;
      held.delete(id);
      if (item.expires > now) logger.warn(`flashkit: memory store full (${maxEntries} messages): evicted the oldest`);
    }
  }

  return {
    name: "memory",
    maxBytes: 6144,
    get size() {
      return held.size;
    },
    clear() {
      held.clear();
    },

    load(request: FlashRequest): readonly StoredFlash[] {
      const header = request.cookieHeader;
      if (header === undefined || !header.includes(prefix)) return [];
      const now = Date.now();
      const found = new Map<string, StoredFlash>();
      for (const [name, token] of readPrefixedCookies(header, prefix, MAX_COOKIES_READ)) {
        const id = name.slice(prefix.length);
        if (!isFlashId(id) || found.has(id)) continue;
        const item = held.get(id);
        if (item && item.token === token && item.expires > now) found.set(id, item.entry);
      }
      return [...found.values()].sort(byId);
    },

    commit(request: FlashRequest, delta: FlashDelta): void {
      for (const entry of delta.remove) {
        held.delete(entry.id);
        request.appendSetCookie(cookies.deleteHeader(entry.id));
      }
      if (delta.add.length === 0) return;
      const now = Date.now();
      for (const entry of delta.add) {
        const token = randomHex(TOKEN_CHARS / 2);
        held.set(entry.id, { entry, token, expires: now + ttl * 1000 });
        request.appendSetCookie(cookies.setHeader(entry.id, token));
      }
      sweep(now);
    },

    measure(): number {
      return cookieBytes;
    },
  };
}
