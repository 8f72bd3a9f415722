/**
 * `flashkit/redis`: pending messages in Redis, shared by every instance of an app.
 *
 * The browser holds one small signed cookie per pending message, as with the memory store:
 * `prefix + messageId = clientId "." HMAC-SHA256(name "=" clientId)`. The client id (128 random bits,
 * minted by the server, so a client cannot pick one) names one Redis hash, `keyPrefix + clientId`,
 * whose fields are message ids and whose values are the stored JSON. A request loads by grouping its
 * flash cookies by client id (one `HMGET` per id, almost always one), and commits its delta as one
 * Lua script (`HSET` the new ids, `HDEL` the consumed ones, `PEXPIRE` the hash, trim it to
 * `maxPending` fields), which Redis runs atomically.
 *
 * Why a cookie per message rather than one client-id cookie: two overlapping first flashes of a fresh
 * client would each mint an id, the browser would keep only the last `Set-Cookie`, and the messages
 * under the other id would be orphaned; expiring a single id cookie when the hash empties races the
 * same way with a request that adds. With one cookie per message every message carries the id of the
 * hash it lives in, cookies of different messages never overwrite each other, and a request reuses the
 * id the client already has, so ids converge. No committed message is lost to a concurrent request.
 *
 * A request whose `Cookie` header holds no flash cookie costs one substring check and no Redis call.
 * A cookie whose message is gone from Redis (expired by the TTL) is expired in the response that found
 * it missing.
 *
 * When Redis is unreachable (the client reports it is reconnecting, a command fails or times out),
 * `flash()` throws `FlashError` `ERR_FLASH_STORE_UNAVAILABLE`, pages render with no stored messages,
 * the cookies are kept, and one warning is logged per outage; a probe (`PING`, at most one per
 * `retryInterval`) or the client's `ready` event ends the outage, and what Redis kept is delivered.
 * A Redis that answers but refuses the commit is no outage: out of memory (`maxmemory` with
 * `noeviction`) the commit rejects with `ERR_FLASH_STORE_FULL`, any other error reply with
 * `ERR_FLASH_STORE_REJECTED`, with one warning until a commit goes through. Either way the cookies set
 * for the unstored messages are expired again in the same response, and `await flash.save()` lets the
 * app learn it before it responds.
 */
import { createSigner, utf8Length } from "#signing";
import { readPrefixedCookies } from "../core/cookies.js";
import { defaultLogger } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import { byId, flashIdTime, isFlashId } from "../core/ids.js";
import type { FlashDelta, FlashLogger, FlashRequest, FlashStore, MaybePromise, StoredFlash } from "../core/types.js";
import { isPromise } from "../core/types.js";
import type { RedisClientLike } from "./redis-health.js";
import { commandSender, createRedisHealth, explain, isReplyError } from "./redis-health.js";
import {
  CLIENT_ID_CHARS,
  type FlashSecret,
  isClientId,
  isFlashPair,
  logIgnoredCookie,
  MAC_CHARS,
  type MessageCookieOptions,
  newClientId,
  resolveMessageCookies,
  resolveSecrets,
} from "./shared.js";

export type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike } from "./redis-health.js";

/** Cookies read from one header at most: past this a client is sending junk. */
const MAX_COOKIES_READ = 200;
const EMPTY: readonly StoredFlash[] = Object.freeze([]);

/**
 * The commit script. `KEYS` are the client hashes the delta touches; `ARGV[1]` is the TTL in
 * milliseconds, `ARGV[2]` the most fields a hash may keep, then for each key: the number of ids to
 * remove, the number of messages to add, the ids to remove, and `id, json` pairs to add. A hash that
 * an addition takes past the cap loses its oldest fields (ids sort as strings, oldest first). Returns
 * the number of fields the cap removed. Redis runs a script atomically, so overlapping requests cannot
 * take a hash past the cap. The store sends the key that gets additions first, and `HSET` comes before
 * `HDEL`: a Redis out of memory (`maxmemory`, `noeviction`) refuses a script's first write only, so the
 * commit is refused whole instead of growing a full Redis.
 */
export const COMMIT_SCRIPT = `local ttl = ARGV[1]
local cap = tonumber(ARGV[2])
local dropped = 0
local a = 3
for k = 1, #KEYS do
  local removes = tonumber(ARGV[a])
  local adds = tonumber(ARGV[a + 1])
  local first = a + 2
  a = first + removes + 2 * adds
  if adds > 0 then
    redis.call('HSET', KEYS[k], unpack(ARGV, first + removes, a - 1))
  end
  if removes > 0 then
    redis.call('HDEL', KEYS[k], unpack(ARGV, first, first + removes - 1))
  end
  if adds > 0 then
    redis.call('PEXPIRE', KEYS[k], ttl)
    local held = redis.call('HLEN', KEYS[k])
    if held > cap then
      local ids = redis.call('HKEYS', KEYS[k])
      table.sort(ids)
      redis.call('HDEL', KEYS[k], unpack(ids, 1, held - cap))
      dropped = dropped + held - cap
    end
  end
end
return dropped`;
export const COMMIT_SCRIPT_SHA = "b56776cbdb9e3cc8aefda6eda2c70b0067b3db42";

/** Options of {@link redisStore}. */
export interface RedisStoreOptions extends MessageCookieOptions {
  /**
   * A connected ioredis or node-redis client; it stays yours (the store never closes it). The store
   * listens to its `error` event (so a lost connection neither crashes the process nor floods the
   * log) and its `ready` event; `close()` removes those listeners.
   * @example client: new Redis(process.env.REDIS_URL)
   */
  client: RedisClientLike;
  /**
   * Signs the client id in each cookie, or a list of secrets, newest first (the first signs, all
   * verify). At least 32 bytes; every instance sharing the Redis must share it. Required when
   * `NODE_ENV` is `production`; elsewhere a random secret is made with a warning.
   */
  secret?: FlashSecret | readonly FlashSecret[] | undefined;
  /**
   * The start of every Redis key; a client's messages live in the hash `keyPrefix + clientId`.
   * @default "flashkit:"
   */
  keyPrefix?: string;
  /**
   * Seconds a client's unread messages live in Redis after its latest flash (the hash's `PEXPIRE`).
   * @default `maxAge`, which defaults to 600 (ten minutes)
   */
  ttl?: number;
  /**
   * Milliseconds to wait for Redis before treating it as unreachable: a page then renders without
   * stored messages rather than hang.
   * @default 1000
   */
  timeout?: number;
  /**
   * While Redis is unreachable, the least milliseconds between two probes (`PING`) that check
   * whether it is back. Probes run only when a request needs Redis.
   * @default 1000
   */
  retryInterval?: number;
  /**
   * Milliseconds a message may be missing from Redis after it was flashed before its cookie is
   * expired as pointing at nothing. Its commit can still be on its way: a streamed response
   * (`res.write()`, `pipe`, server-sent events) sends its headers, and the new cookie, before the
   * commit ends, and a request of the same browser can arrive in between.
   * @default 10000, or 2 × `timeout` when that is longer
   */
  pendingGrace?: number;
  /**
   * The most bytes of JSON one message may take in Redis; a larger one throws
   * `ERR_FLASH_MESSAGE_TOO_LARGE` at `flash()`. With `maxPending` it bounds what one client can hold
   * in Redis: `maxPending × maxMessageBytes` bytes of JSON, plus the ids.
   * @default 65536
   */
  maxMessageBytes?: number;
  /**
   * The most messages one client's hash may hold in Redis. The commit script enforces it atomically,
   * so overlapping requests cannot exceed it either: past it, the oldest messages are removed and a
   * warning says how many. Keep it above what the cookies can carry (`createFlash`'s `maxMessages`,
   * 50 by default, and about 60 cookies of this store), so that it only trims what overlapping
   * requests or a client that floods flashes pile up.
   * @default 64
   */
  maxPending?: number;
  /** Where the outage warning, its recovery notice and rejected cookies (debug) go. @default console.warn for warnings */
  logger?: FlashLogger | undefined;
}

/** A Redis store, with its availability and a way to detach it from the client. */
export interface RedisStore extends FlashStore {
  /** Whether the store believes Redis is reachable now. */
  readonly available: boolean;
  /** Removes the store's listeners from the client. The client itself stays open. */
  close(): void;
}

/** What `load()` learnt about one request, for its `commit()`. */
interface ClientState {
  /** The client id each held message lives under. */
  readonly owners: Map<string, string>;
  /** The id new messages go under: the one of the client's first valid cookie. */
  readonly clientId: string | undefined;
}

/**
 * Creates a store that keeps pending messages in Redis, for apps that run on several instances.
 *
 * @throws {TypeError} when `client` is not an ioredis or node-redis client.
 * @throws {FlashError} `ERR_FLASH_CONFIG` for a missing secret in production, a short secret, or a bad option.
 * @example
 * import { Redis } from "ioredis";
 * import { flash } from "flashkit/express";
 * import { redisStore } from "flashkit/redis";
 *
 * const client = new Redis(process.env.REDIS_URL);
 * app.use(flash({ store: redisStore({ client, secret: process.env.FLASH_SECRET }) }));
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  const client = options?.client;
  const send = commandSender(client);
  const cookies = resolveMessageCookies(options);
  const { prefix } = cookies;
  const logger = options.logger ?? defaultLogger;
  const signer = createSigner(resolveSecrets(options.secret, logger));
  const keyPrefix = options.keyPrefix ?? "flashkit:";
  const ttl = options.ttl ?? cookies.maxAge;
  const timeout = options.timeout ?? 1000;
  const retryInterval = options.retryInterval ?? 1000;
  const pendingGrace = options.pendingGrace ?? Math.max(10_000, 2 * timeout);
  const maxMessageBytes = options.maxMessageBytes ?? 65_536;
  const maxPending = options.maxPending ?? 64;
  const config = (message: string) => new FlashError("ERR_FLASH_CONFIG", `redisStore: ${message}`);
  if (typeof keyPrefix !== "string") throw config("keyPrefix must be a string");
  if (!(Number.isFinite(ttl) && ttl > 0)) throw config(`ttl must be a positive number of seconds, got ${ttl}`);
  for (const [name, value] of [
    ["timeout", timeout],
    ["retryInterval", retryInterval],
    ["maxMessageBytes", maxMessageBytes],
    ["maxPending", maxPending],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0)) throw config(`${name} must be a positive whole number, got ${value}`);
  }
  if (!(Number.isInteger(pendingGrace) && pendingGrace >= 0)) {
    throw config(`pendingGrace must be a whole number of milliseconds (0 or more), got ${pendingGrace}`);
  }
  const ttlMs = String(Math.ceil(ttl * 1000));
  const cap = String(maxPending);
  // name=clientId.mac, plus the "; " that separates it from the next cookie in the header
  const cookieBytes = prefix.length + 17 + 1 + CLIENT_ID_CHARS + 1 + MAC_CHARS + 2;
  const states = new WeakMap<FlashRequest, ClientState>();
  const health = createRedisHealth({ client, send, timeout, retryInterval, logger });
  const { command } = health;

  /** The valid flash cookies of a header, grouped by client id. */
  async function readCookies(header: string): Promise<ClientState> {
    const owners = new Map<string, string>();
    let clientId: string | undefined;
    const checks: Array<Promise<void>> = [];
    for (const [name, value] of readPrefixedCookies(header, prefix, MAX_COOKIES_READ)) {
      const id = name.slice(prefix.length);
      const dot = value.indexOf(".");
      const owner = value.slice(0, dot);
      if (!isFlashId(id) || dot !== CLIENT_ID_CHARS || !isClientId(owner) || value.length - dot - 1 !== MAC_CHARS) {
        logIgnoredCookie(logger, name, "not prefix + id = clientId.mac");
        continue;
      }
      const accept = (valid: boolean): void => {
        if (!valid) logIgnoredCookie(logger, name, "bad MAC");
        else if (!owners.has(id)) {
          owners.set(id, owner);
          clientId ??= owner;
        }
      };
      const valid = signer.verify(`${name}=${owner}`, value.slice(dot + 1));
      if (isPromise(valid)) checks.push(valid.then(accept));
      else accept(valid);
    }
    if (checks.length > 0) await Promise.all(checks);
    return { owners, clientId };
  }

  async function loadFrom(request: FlashRequest, header: string): Promise<readonly StoredFlash[]> {
    const state = await readCookies(header);
    states.set(request, state);
    if (state.owners.size === 0 || health.unavailable()) return EMPTY;
    const groups = new Map<string, string[]>();
    for (const [id, owner] of state.owners) {
      const ids = groups.get(owner);
      if (ids) ids.push(id);
      else groups.set(owner, [id]);
    }
    let replies: unknown[];
    try {
      replies = await Promise.all([...groups].map(([owner, ids]) => command(["HMGET", keyPrefix + owner, ...ids])));
    } catch (error) {
      if (isReplyError(error)) logger.warn(`flashkit: redis store could not read messages: ${explain(error)}`);
      return EMPTY;
    }
    const found: StoredFlash[] = [];
    for (const [index, ids] of [...groups.values()].entries()) {
      const values = replies[index];
      for (const [k, id] of ids.entries()) {
        const json = Array.isArray(values) ? values[k] : undefined;
        const entry = typeof json === "string" ? decode(id, json) : undefined;
        if (entry) found.push(entry);
        else {
          state.owners.delete(id);
          // Gone from Redis (the TTL, or a concurrent read consumed it): the cookie points at nothing.
          // A message flashed moments ago may still be on its way there: its cookie stays for now.
          if (Date.now() - flashIdTime(id) >= pendingGrace) {
            request.appendSetCookie(cookies.deleteHeader(id));
          }
        }
      }
    }
    return found.sort(byId);
  }

  function decode(id: string, json: string): StoredFlash | undefined {
    try {
      const parsed: unknown = JSON.parse(json);
      if (isFlashPair(parsed)) return { id, category: parsed[0], message: parsed[1], json };
    } catch {}
    logger.debug(`flashkit: ignored redis field ${id}: not [category, message] JSON`);
    return undefined;
  }

  /** Runs the commit script; returns how many fields its cap removed. */
  async function runScript(keys: string[], args: string[]): Promise<number> {
    const tail = [String(keys.length), ...keys, ttlMs, cap, ...args];
    let dropped: unknown;
    try {
      dropped = await command(["EVALSHA", COMMIT_SCRIPT_SHA, ...tail]);
    } catch (error) {
      // A restarted (or flushed) Redis has forgotten the script: send it whole, which caches it again.
      if (!(isReplyError(error) && explain(error).startsWith("NOSCRIPT"))) throw error;
      dropped = await command(["EVAL", COMMIT_SCRIPT, ...tail]);
    }
    return typeof dropped === "number" ? dropped : 0;
  }

  async function write(
    request: FlashRequest,
    groups: Map<string, { remove: string[]; add: string[] }>,
    added: readonly StoredFlash[],
    signing: Array<Promise<void>>,
  ): Promise<void> {
    if (signing.length > 0) await Promise.all(signing);
    const keys: string[] = [];
    const args: string[] = [];
    for (const [owner, { remove, add }] of groups) {
      keys.push(keyPrefix + owner);
      args.push(String(remove.length), String(add.length / 2), ...remove, ...add);
    }
    let dropped: number;
    try {
      dropped = await runScript(keys, args);
    } catch (error) {
      // Consumed messages whose HDEL failed have had their cookies expired: nobody can read them
      // again, and the TTL clears them. Flashed ones are lost: say so, and expire the cookies this
      // commit set for them (a later Set-Cookie of the same name wins), where headers can still change.
      if (added.length === 0) {
        logger.debug(`flashkit: redis store could not remove consumed messages: ${explain(error)}`);
        return;
      }
      try {
        for (const entry of added) request.appendSetCookie(cookies.deleteHeader(entry.id));
      } catch {}
      throw health.commitFailure(`${added.length} flashed message(s) could not be stored`, error);
    }
    health.committed();
    if (dropped > 0) {
      logger.warn(
        `flashkit: redis store removed the ${dropped} oldest pending message(s) of a client holding more than ` +
          `maxPending (${maxPending})`,
      );
    }
  }

  function stateOf(request: FlashRequest): MaybePromise<ClientState> {
    const known = states.get(request);
    if (known) return known;
    const header = request.cookieHeader;
    if (header === undefined || !header.includes(prefix)) return { owners: new Map(), clientId: undefined };
    return readCookies(header);
  }

  function commitWith(request: FlashRequest, delta: FlashDelta, state: ClientState): MaybePromise<void> {
    const groups = new Map<string, { remove: string[]; add: string[] }>();
    const group = (owner: string) => {
      let found = groups.get(owner);
      if (!found) {
        found = { remove: [], add: [] };
        groups.set(owner, found);
      }
      return found;
    };
    // The hash that gets additions goes first: see COMMIT_SCRIPT.
    const owner = delta.add.length > 0 ? (state.clientId ?? newClientId()) : undefined;
    if (owner !== undefined) group(owner);
    for (const entry of delta.remove) {
      request.appendSetCookie(cookies.deleteHeader(entry.id));
      const holder = state.owners.get(entry.id);
      if (holder !== undefined) group(holder).remove.push(entry.id);
    }
    if (health.unavailable()) {
      if (owner === undefined) return;
      return Promise.reject(
        health.unreachable(`${delta.add.length} flashed message(s) could not be stored`, health.outage),
      );
    }
    const signing: Array<Promise<void>> = [];
    if (owner !== undefined) {
      const adds = group(owner).add;
      for (const entry of delta.add) {
        const set = (mac: string) => request.appendSetCookie(cookies.setHeader(entry.id, `${owner}.${mac}`));
        const mac = signer.sign(`${prefix}${entry.id}=${owner}`);
        if (isPromise(mac)) signing.push(mac.then(set));
        else set(mac);
        adds.push(entry.id, entry.json);
      }
    }
    if (groups.size === 0) return;
    return write(request, groups, delta.add, signing);
  }

  return {
    name: "redis",
    maxBytes: 6144,

    get available() {
      return health.available;
    },

    close() {
      health.close();
    },

    assertAvailable(): void {
      if (health.unavailable()) {
        throw health.unreachable("flash() cannot store the message; try again later", health.outage);
      }
    },

    load(request: FlashRequest): MaybePromise<readonly StoredFlash[]> {
      const header = request.cookieHeader;
      if (header === undefined || !header.includes(prefix)) return EMPTY;
      return loadFrom(request, header);
    },

    commit(request: FlashRequest, delta: FlashDelta): MaybePromise<void> {
      const state = stateOf(request);
      if (isPromise(state)) return state.then((known) => commitWith(request, delta, known));
      return commitWith(request, delta, state);
    },

    measure(entry: StoredFlash): number {
      const bytes = utf8Length(entry.json);
      if (bytes > maxMessageBytes) {
        throw new FlashError(
          "ERR_FLASH_MESSAGE_TOO_LARGE",
          `flash message too large for the redis store: ${bytes} bytes of JSON, the limit is ${maxMessageBytes} ` +
            "(redisStore's maxMessageBytes)",
        );
      }
      return cookieBytes;
    },
  };
}
