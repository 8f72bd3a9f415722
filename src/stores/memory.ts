/**
 * A store that keeps messages in a Map of this process. The browser holds one small cookie per
 * pending message, `prefix + id = clientId`, where the client id is 128 random bits minted by the
 * server: a message is returned only to a request that presents its id with its client's id, and a
 * delta removes exactly the consumed ids and adds the new ones, so overlapping requests never erase
 * each other's messages. A message can show twice only when two reads overlap (both loaded it before
 * either committed); a request that starts after a read has committed no longer sees it.
 *
 * Memory is bounded in bytes as well as in messages: each message is counted as 2 bytes per UTF-16
 * code unit of its JSON (`JSON.stringify([category, message])`, the only copy the store keeps) plus
 * {@link MEMORY_ENTRY_BYTES} for its bookkeeping. One message may take `maxMessageBytes` (a larger
 * one throws at `flash()`), one client `maxClientBytes` (past it its own oldest are evicted), all
 * clients `maxTotalBytes` and `maxEntries`. Past those, the largest messages are evicted first (by
 * size class), oldest first within a class: a flood of large messages evicts its own, and an ordinary
 * message (under {@link SMALL_MESSAGE_BYTES}) is evicted only after a whole store's worth of messages
 * has been flashed after it. A browser's total is capped by `maxClientBytes` instead of ranking
 * browsers by what they hold, which would evict first a browser with two short messages during a
 * flood of one-message clients. Evictions are reported by one warning at most per `warnInterval`.
 *
 * For tests and single-process apps; use the Redis store for many instances.
 */
import { readPrefixedCookies } from "../core/cookies.js";
import { defaultLogger } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import { byId, isFlashId } from "../core/ids.js";
import type { FlashDelta, FlashLogger, FlashRequest, FlashStore, StoredFlash } from "../core/types.js";
import {
  CLIENT_ID_CHARS,
  isClientId,
  type MessageCookieOptions,
  newClientId,
  resolveMessageCookies,
} from "./shared.js";

const MAX_COOKIES_READ = 200;
const EMPTY: readonly StoredFlash[] = Object.freeze([]);

/**
 * Bytes counted for one message on top of its JSON: the entry, its id, its slots in the store's
 * maps, and its client's record when it is the client's only message (the case of a flood of fresh
 * clients), with a margin over what V8 allocates for them, so the count stays above the real heap.
 */
export const MEMORY_ENTRY_BYTES = 1024;

/**
 * Messages counted below this many bytes (a JSON of up to 3,583 characters: more than any message the
 * cookie store can carry) form the lowest eviction class, evicted strictly oldest first and only after
 * every larger message.
 */
export const SMALL_MESSAGE_BYTES = 8192;

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions extends MessageCookieOptions {
  /**
   * Seconds an unread message is kept in memory.
   * @default `maxAge`, which defaults to 600 (ten minutes)
   */
  ttl?: number;
  /**
   * The most messages kept for all clients together; past it messages are evicted as past
   * `maxTotalBytes`.
   * @default 100000
   */
  maxEntries?: number;
  /**
   * The most bytes one message may take: 2 per UTF-16 code unit of its JSON
   * (`JSON.stringify([category, message])`) plus {@link MEMORY_ENTRY_BYTES}. A larger message throws
   * `FlashError` `ERR_FLASH_MESSAGE_TOO_LARGE` at `flash()`. The default takes a JSON of up to
   * 32,256 characters.
   * @default 65536
   */
  maxMessageBytes?: number;
  /**
   * The most bytes the pending messages of one client (one browser, as its cookies tell) may take
   * together; past it that client's own oldest messages are evicted. At least `maxMessageBytes`.
   * @default 262144 (256 KiB)
   */
  maxClientBytes?: number;
  /**
   * The most bytes all pending messages may take together; past it messages are evicted, the
   * largest first (by size class: one class below {@link SMALL_MESSAGE_BYTES}, then one per power of
   * two), oldest first within a class. At least `maxClientBytes`.
   * @default 33554432 (32 MiB)
   */
  maxTotalBytes?: number;
  /**
   * Seconds between two eviction warnings at most: the first eviction is reported at once, later
   * ones are counted and reported together when the interval has passed.
   * @default 60
   */
  warnInterval?: number;
  /** Where eviction warnings go. @default console.warn */
  logger?: FlashLogger | undefined;
}

/** A memory store, with a way for tests and monitoring to look inside. */
export interface MemoryStore extends FlashStore {
  /** How many messages the process holds for all clients. */
  readonly size: number;
  /** The bytes counted for all held messages (see `maxTotalBytes`). */
  readonly bytes: number;
  /** How many clients hold at least one message. */
  readonly clients: number;
  /** Forgets every message. */
  clear(): void;
}

/** One browser. Ids it got under overlapping first flashes are merged into one when a request shows them together. */
interface Client {
  /** The id its new messages are stored under. */
  readonly id: string;
  /** The other ids that lead to it in `clients`: those of the clients merged into it. */
  aliases: string[] | undefined;
  /** Ids of its held messages, oldest first. */
  readonly ids: Set<string>;
  bytes: number;
}

interface Held {
  readonly id: string;
  readonly category: string;
  readonly json: string;
  /** The client id its cookie carries. */
  readonly owner: string;
  client: Client;
  readonly bytes: number;
  /** Its size class in `classes`. */
  readonly rank: number;
  readonly expires: number;
}

/** Why a message was dropped, for the warning's counts. */
type Eviction = "maxClientBytes" | "maxTotalBytes" | "maxEntries" | "maxMessageBytes";

/**
 * Creates an in-process store.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` for an option out of range, naming it.
 * @example
 * app.use(flash({ store: memoryStore() }));
 * @example
 * // Smaller bounds for a small container
 * app.use(flash({ store: memoryStore({ maxTotalBytes: 8 * 1024 * 1024, maxMessageBytes: 16_384 }) }));
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const cookies = resolveMessageCookies(options);
  const { prefix } = cookies;
  const logger = options.logger ?? defaultLogger;
  const ttl = options.ttl ?? cookies.maxAge;
  const maxEntries = options.maxEntries ?? 100_000;
  const maxMessageBytes = options.maxMessageBytes ?? 65_536;
  const maxClientBytes = options.maxClientBytes ?? Math.max(262_144, maxMessageBytes);
  const maxTotalBytes = options.maxTotalBytes ?? Math.max(33_554_432, maxClientBytes);
  const warnInterval = options.warnInterval ?? 60;
  const config = (message: string) => new FlashError("ERR_FLASH_CONFIG", `memoryStore: ${message}`);
  if (!(Number.isFinite(ttl) && ttl > 0)) throw config(`ttl must be a positive number of seconds, got ${ttl}`);
  if (!(Number.isFinite(warnInterval) && warnInterval >= 0)) {
    throw config(`warnInterval must be a number of seconds (0 or more), got ${warnInterval}`);
  }
  for (const [name, value] of [
    ["maxEntries", maxEntries],
    ["maxMessageBytes", maxMessageBytes],
    ["maxClientBytes", maxClientBytes],
    ["maxTotalBytes", maxTotalBytes],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value >= 1)) throw config(`${name} must be a whole number >= 1, got ${value}`);
  }
  if (maxMessageBytes <= MEMORY_ENTRY_BYTES) {
    throw config(
      `maxMessageBytes must be more than the ${MEMORY_ENTRY_BYTES} bytes counted per message, got ${maxMessageBytes}`,
    );
  }
  if (maxClientBytes < maxMessageBytes) {
    throw config(
      `maxClientBytes (${maxClientBytes}) must be at least maxMessageBytes (${maxMessageBytes}): raise it or lower maxMessageBytes`,
    );
  }
  if (maxTotalBytes < maxClientBytes) {
    throw config(
      `maxTotalBytes (${maxTotalBytes}) must be at least maxClientBytes (${maxClientBytes}): raise it or lower maxClientBytes`,
    );
  }

  // Insertion order is flash order and every message lives `ttl`, so the first keys expire first.
  const held = new Map<string, Held>();
  const clients = new Map<string, Client>();
  let clientCount = 0;
  // Messages filed by size class, each class in flash order: eviction takes the oldest of the highest.
  const classes: Array<Set<Held>> = [];
  let totalBytes = 0;
  const clientOf = new WeakMap<FlashRequest, string>();
  const cookieBytes = prefix.length + 17 + 1 + CLIENT_ID_CHARS + 2;

  const evicted: Record<Eviction, number> = { maxClientBytes: 0, maxTotalBytes: 0, maxEntries: 0, maxMessageBytes: 0 };
  let lastWarning = Number.NEGATIVE_INFINITY;
  let summary: ReturnType<typeof setTimeout> | undefined;

  function report(): void {
    summary = undefined;
    const reasons = (Object.keys(evicted) as Eviction[]).filter((k) => evicted[k] > 0);
    if (reasons.length === 0) return;
    let count = 0;
    const parts: string[] = [];
    for (const reason of reasons) {
      count += evicted[reason];
      parts.push(`${evicted[reason]} ${reason === "maxMessageBytes" ? "refused over" : "evicted at"} ${reason}`);
      evicted[reason] = 0;
    }
    lastWarning = Date.now();
    logger.warn(
      `flashkit: memory store dropped ${count} unread message(s) (${parts.join(", ")}; limits maxClientBytes ` +
        `${maxClientBytes}, maxTotalBytes ${maxTotalBytes}, maxEntries ${maxEntries}); now ${held.size} message(s), ` +
        `${totalBytes} bytes, ${clientCount} client(s); at most one such warning per ${warnInterval} s`,
    );
  }

  function noteEviction(reason: Eviction): void {
    evicted[reason]++;
    if (summary !== undefined) return;
    const wait = lastWarning + warnInterval * 1000 - Date.now();
    if (wait <= 0) {
      report();
      return;
    }
    summary = setTimeout(report, wait);
    (summary as { unref?: () => void }).unref?.();
  }

  function drop(item: Held): void {
    held.delete(item.id);
    classes[item.rank]?.delete(item);
    totalBytes -= item.bytes;
    const { client } = item;
    client.ids.delete(item.id);
    client.bytes -= item.bytes;
    if (client.ids.size === 0) {
      if (clients.get(client.id) === client) clients.delete(client.id);
      for (const alias of client.aliases ?? []) if (clients.get(alias) === client) clients.delete(alias);
      client.aliases = undefined;
      clientCount--;
    }
  }

  /** Makes `from` part of `into`: one budget, and `into`'s id for new messages. */
  function merge(into: Client, from: Client): void {
    for (const id of from.ids) {
      const item = held.get(id);
      if (item !== undefined) item.client = into;
    }
    const ids = [...into.ids, ...from.ids].sort();
    into.ids.clear();
    for (const id of ids) into.ids.add(id);
    into.bytes += from.bytes;
    const aliases = [from.id, ...(from.aliases ?? [])];
    for (const alias of aliases) clients.set(alias, into);
    into.aliases = [...(into.aliases ?? []), ...aliases];
    from.ids.clear();
    from.bytes = 0;
    from.aliases = undefined;
    clientCount--;
  }

  /** Evicts `client`'s oldest messages until `more` bytes fit in its budget; returns their ids. */
  function makeRoom(client: Client, more: number): string[] {
    const gone: string[] = [];
    while (client.bytes + more > maxClientBytes && client.ids.size > 0) {
      const [oldest] = client.ids;
      const item = oldest === undefined ? undefined : held.get(oldest);
      if (item === undefined) break;
      drop(item);
      gone.push(item.id);
      noteEviction("maxClientBytes");
    }
    return gone;
  }

  function expire(now: number): void {
    for (const item of held.values()) {
      if (item.expires > now) break;
      drop(item);
    }
  }

  /** Evicts the oldest message of the highest size class; false when none is held. */
  function evictOne(reason: Eviction): boolean {
    for (let rank = classes.length - 1; rank >= 0; rank--) {
      const set = classes[rank];
      if (set === undefined || set.size === 0) continue;
      const [oldest] = set;
      if (oldest === undefined) return false;
      drop(oldest);
      noteEviction(reason);
      return true;
    }
    return false;
  }

  /**
   * The id of the client whose valid cookies this header holds (of its oldest message). With
   * `request`, also collects the messages into `found` and expires the cookies of messages no longer
   * held (read elsewhere, expired, evicted): the jar counts only held messages against its caps, so
   * such cookies would pile up in the browser.
   */
  function identify(
    header: string | undefined,
    now: number,
    request?: FlashRequest,
    found?: Map<string, StoredFlash>,
  ): string | undefined {
    if (header === undefined || !header.includes(prefix)) return undefined;
    let owner: Held | undefined;
    let dead: string[] | undefined;
    let seen: Client | Set<Client> | undefined;
    for (const [name, value] of readPrefixedCookies(header, prefix, MAX_COOKIES_READ)) {
      const id = name.slice(prefix.length);
      if (!isFlashId(id)) continue;
      const item = held.get(id);
      if (item === undefined || item.owner !== value || item.expires <= now) {
        dead ??= [];
        dead.push(id);
        continue;
      }
      if (seen === undefined) seen = item.client;
      else if (seen instanceof Set) seen.add(item.client);
      else if (seen !== item.client) seen = new Set([seen, item.client]);
      if (owner === undefined || item.id < owner.id) owner = item;
      if (found !== undefined && !found.has(id)) {
        found.set(id, { id, category: item.category, message: decode(item), json: item.json });
      }
    }
    // A commit stores its messages before it sets their cookies, so a missing one is gone for good
    // (unless the same name also came with a valid value, under another path).
    if (request !== undefined && dead !== undefined) {
      for (const id of new Set(dead)) if (!found?.has(id)) request.appendSetCookie(cookies.deleteHeader(id));
    }
    if (owner === undefined) return undefined;
    const client = owner.client;
    if (seen instanceof Set) {
      for (const other of seen) if (other !== client && other.ids.size > 0) merge(client, other);
      if (request !== undefined) for (const id of makeRoom(client, 0)) found?.delete(id);
    }
    return client.id;
  }

  return {
    name: "memory",
    maxBytes: 6144,
    get size() {
      return held.size;
    },
    get bytes() {
      return totalBytes;
    },
    get clients() {
      return clientCount;
    },
    clear() {
      held.clear();
      clients.clear();
      clientCount = 0;
      classes.length = 0;
      totalBytes = 0;
    },

    load(request: FlashRequest): readonly StoredFlash[] {
      const header = request.cookieHeader;
      if (header === undefined || !header.includes(prefix)) return EMPTY;
      const found = new Map<string, StoredFlash>();
      const owner = identify(header, Date.now(), request, found);
      if (owner !== undefined) clientOf.set(request, owner);
      return found.size === 0 ? EMPTY : [...found.values()].sort(byId);
    },

    commit(request: FlashRequest, delta: FlashDelta): void {
      const now = Date.now();
      const known = delta.add.length > 0 ? (clientOf.get(request) ?? identify(request.cookieHeader, now)) : undefined;
      for (const entry of delta.remove) {
        const item = held.get(entry.id);
        if (item !== undefined) drop(item);
        request.appendSetCookie(cookies.deleteHeader(entry.id));
      }
      if (delta.add.length === 0) return;
      expire(now);
      const clientId = known !== undefined && isClientId(known) ? known : newClientId();
      // The id may lead to a client it was merged into: new messages go under that client's own id.
      const client: Client = clients.get(clientId) ?? { id: clientId, aliases: undefined, ids: new Set(), bytes: 0 };
      for (const entry of delta.add) {
        const bytes = measureEntry(entry);
        // measure() refused it at flash() already, unless the caller skipped it
        if (bytes > maxMessageBytes) {
          noteEviction("maxMessageBytes");
          continue;
        }
        const old = held.get(entry.id);
        if (old !== undefined) drop(old);
        makeRoom(client, bytes);
        if (client.ids.size === 0) {
          clients.set(client.id, client);
          clientCount++;
        }
        const rank = sizeClass(bytes);
        const item: Held = {
          id: entry.id,
          category: entry.category,
          json: entry.json,
          owner: client.id,
          client,
          bytes,
          rank,
          expires: now + ttl * 1000,
        };
        held.set(entry.id, item);
        let set = classes[rank];
        if (set === undefined) {
          set = new Set();
          classes[rank] = set;
        }
        set.add(item);
        client.ids.add(entry.id);
        client.bytes += bytes;
        totalBytes += bytes;
        request.appendSetCookie(cookies.setHeader(entry.id, client.id));
      }
      while (totalBytes > maxTotalBytes && evictOne("maxTotalBytes")) {}
      while (held.size > maxEntries && evictOne("maxEntries")) {}
    },

    measure(entry: StoredFlash): number {
      const bytes = measureEntry(entry);
      if (bytes > maxMessageBytes) {
        throw new FlashError(
          "ERR_FLASH_MESSAGE_TOO_LARGE",
          `flash message too large for the memory store: ${bytes} bytes (2 per character of its ${entry.json.length}-character ` +
            `JSON, plus ${MEMORY_ENTRY_BYTES}), the limit is ${maxMessageBytes} (memoryStore's maxMessageBytes); shorten it ` +
            "(do not echo request input whole into a message) or raise the limit",
        );
      }
      return cookieBytes;
    },
  };
}

/**
 * The eviction class of a message of `bytes`: 0 up to {@link SMALL_MESSAGE_BYTES}, then one class per
 * power of two above it.
 */
function sizeClass(bytes: number): number {
  return bytes < SMALL_MESSAGE_BYTES ? 0 : Math.floor(Math.log2(bytes / SMALL_MESSAGE_BYTES)) + 1;
}

/** The bytes the store counts for one message: its JSON as UTF-16, plus the bookkeeping. */
function measureEntry(entry: StoredFlash): number {
  return 2 * entry.json.length + MEMORY_ENTRY_BYTES;
}

/** The message of a held entry: parsed again for each read, so no request shares another's object. */
function decode(item: Held): unknown {
  return (JSON.parse(item.json) as [string, unknown])[1];
}
