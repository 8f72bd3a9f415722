/**
 * The Redis store's view of its connection: whether Redis is reachable, and the one way the store
 * sends a command (with a timeout). An outage starts at the first sign (the client reports it is
 * reconnecting, emits `error`, a command fails or times out) and is warned about once; while it
 * lasts nothing is sent but a probe (`PING`, at most one per `retryInterval`, only when a request
 * needs Redis); any reply, or the client's `ready` event, ends it. A Redis that answers with an error
 * is reachable: a commit it refuses (out of memory, or any other error reply) is warned about once
 * until a commit goes through.
 */
import { FlashError } from "../core/errors.js";
import type { FlashLogger } from "../core/types.js";

/**
 * The slice of an ioredis client (v5, v6) the store uses: `call()` for commands, `status` to know
 * when it is reconnecting, `on`/`off` for its `error` and `ready` events.
 */
export interface IoRedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>;
  readonly status?: string;
  on?(event: string, listener: (error: Error) => void): unknown;
  off?(event: string, listener: (error: Error) => void): unknown;
}

/**
 * The slice of a node-redis client (`createClient()`, v4 to v6, connected with `await
 * client.connect()`) the store uses: `sendCommand()`, `isReady`, `on`/`off`.
 */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
  readonly isReady?: boolean;
  on?(event: string, listener: (error: Error) => void): unknown;
  off?(event: string, listener: (error: Error) => void): unknown;
}

/** An ioredis or node-redis client, typed structurally: neither package is a dependency of flashkit. */
export type RedisClientLike = IoRedisClientLike | NodeRedisClientLike;

/** Sends one command (`["HMGET", key, ...fields]`) and resolves with Redis's reply. */
export type CommandSender = (args: string[]) => Promise<unknown>;

/** Options of {@link createRedisHealth}, checked by the store. */
export interface RedisHealthOptions {
  client: RedisClientLike;
  /** What sends a command with this client: {@link commandSender}. */
  send: CommandSender;
  /** Milliseconds to wait for a reply before Redis counts as unreachable. */
  timeout: number;
  /** The least milliseconds between two probes during an outage. */
  retryInterval: number;
  /** Where the outage, recovery and refusal warnings go. */
  logger: FlashLogger;
}

/** The connection health of one Redis store. */
export interface RedisHealth {
  /** Whether Redis is believed reachable now. */
  readonly available: boolean;
  /** What started the ongoing outage; `undefined` when there is none. */
  readonly outage: unknown;
  /** Whether Redis is to be left alone now; starts a probe when it may be back. */
  unavailable(): boolean;
  /**
   * Sends one command with the timeout; any reply (even an error reply) proves Redis reachable, no
   * reply starts an outage.
   */
  command(args: string[]): Promise<unknown>;
  /** The `ERR_FLASH_STORE_UNAVAILABLE` error for `what` could not be done, caused by `cause`. */
  unreachable(what: string, cause: unknown): FlashError;
  /**
   * The error of a commit Redis did not apply: full, refused, or unreachable. A full or refusing
   * Redis is reachable (no outage, no probe) and is warned about once until {@link committed}.
   */
  commitFailure(what: string, cause: unknown): FlashError;
  /** Notes that a commit went through: a later refusal is warned about again. */
  committed(): void;
  /** Stops listening to the client's events. */
  close(): void;
}

/**
 * Watches a Redis client's connection for one store.
 *
 * @example
 * const health = createRedisHealth({ client, send: commandSender(client), timeout: 1000, retryInterval: 1000, logger });
 * if (!health.unavailable()) await health.command(["PING"]);
 */
export function createRedisHealth(options: RedisHealthOptions): RedisHealth {
  const { client, send, timeout, retryInterval, logger } = options;
  // `failure` is set from the first sign of an outage until Redis answers again.
  let failure: { since: number; error: unknown } | undefined;
  let lastProbe = 0;
  let probing = false;
  /** The code of the last commit a reachable Redis refused, until a commit goes through: warned once. */
  let refusal: string | undefined;

  function clientDown(): string | undefined {
    const { status, isReady } = client as { status?: unknown; isReady?: unknown };
    if (typeof status === "string") {
      return status === "reconnecting" || status === "close" || status === "end"
        ? `client status "${status}"`
        : undefined;
    }
    if (isReady === false) return "client not ready (reconnecting, or connect() not called)";
    return undefined;
  }

  function markDown(error: unknown): void {
    if (failure) return;
    failure = { since: Date.now(), error };
    lastProbe = failure.since;
    logger.warn(
      `flashkit: redis store unreachable (${explain(error)}): flash() throws ERR_FLASH_STORE_UNAVAILABLE and ` +
        "pages show no stored messages until it is back; their cookies are kept",
    );
  }

  function markUp(): void {
    if (!failure) return;
    const seconds = ((Date.now() - failure.since) / 1000).toFixed(1);
    failure = undefined;
    logger.warn(`flashkit: redis store reachable again after ${seconds} s`);
  }

  function probe(): void {
    const now = Date.now();
    if (probing || now - lastProbe < retryInterval) return;
    probing = true;
    lastProbe = now;
    command(["PING"]).then(
      () => {
        probing = false;
      },
      () => {
        probing = false;
      },
    );
  }

  /** The timer is not unref'd: a pending command keeps the process alive even when the client's socket is. */
  function command(args: string[]): Promise<unknown> {
    const sent = send(args).then(
      (reply) => {
        markUp();
        return reply;
      },
      (error: unknown) => {
        if (isReplyError(error)) markUp();
        else markDown(error);
        throw error;
      },
    );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Error(`no answer within ${timeout} ms`);
        markDown(error);
        reject(error);
      }, timeout);
      sent.then(
        (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  function unreachable(what: string, cause: unknown): FlashError {
    return new FlashError(
      "ERR_FLASH_STORE_UNAVAILABLE",
      `flashkit: the redis store is unreachable (${explain(cause)}): ${what}`,
      { cause },
    );
  }

  const unwatch = watch(client, { down: markDown, up: markUp });

  return {
    get available() {
      return clientDown() === undefined && failure === undefined;
    },
    get outage() {
      return failure?.error;
    },
    unavailable() {
      const down = clientDown();
      if (down !== undefined) {
        markDown(new Error(down));
        return true;
      }
      if (!failure) return false;
      probe();
      return true;
    },
    command,
    unreachable,
    commitFailure(what, cause) {
      if (!isReplyError(cause)) return unreachable(what, cause);
      const reply = explain(cause);
      // Redis 7 passes the OOM reply through a script as is; Redis 6 wraps it in "ERR Error running script".
      const full = reply.startsWith("OOM ") || reply.includes(": -OOM ");
      const code = full ? "ERR_FLASH_STORE_FULL" : "ERR_FLASH_STORE_REJECTED";
      if (refusal !== code) {
        refusal = code;
        logger.warn(
          full
            ? `flashkit: redis store full (${reply}): flashed messages are not stored (ERR_FLASH_STORE_FULL) until ` +
                "Redis has memory again; raise maxmemory, or let it evict (maxmemory-policy volatile-lru)"
            : `flashkit: redis store refuses writes (${reply}): flashed messages are not stored (ERR_FLASH_STORE_REJECTED)`,
        );
      }
      return full
        ? new FlashError("ERR_FLASH_STORE_FULL", `flashkit: the redis store is full (${reply}): ${what}`, { cause })
        : new FlashError(
            "ERR_FLASH_STORE_REJECTED",
            `flashkit: the redis store refused the commit (${reply}): ${what}`,
            {
              cause,
            },
          );
    },
    committed() {
      refusal = undefined;
    },
    close() {
      unwatch();
    },
  };
}

/** What a store wants to hear of its client's connection. */
interface Watcher {
  down(error: unknown): void;
  up(): void;
}

/** One pair of listeners per client, however many stores use it (so no MaxListeners warning). */
const monitors = new WeakMap<RedisClientLike, { readonly watchers: Set<Watcher>; detach(): void }>();

/** Listens to the client's `error` and `ready` events for `watcher`; returns the way to stop. */
function watch(client: RedisClientLike, watcher: Watcher): () => void {
  let monitor = monitors.get(client);
  if (!monitor) {
    const watchers = new Set<Watcher>();
    const onError = (error: unknown) => {
      for (const each of watchers) each.down(error);
    };
    const onReady = () => {
      for (const each of watchers) each.up();
    };
    client.on?.("error", onError);
    client.on?.("ready", onReady);
    monitor = {
      watchers,
      detach() {
        client.off?.("error", onError);
        client.off?.("ready", onReady);
        monitors.delete(client);
      },
    };
    monitors.set(client, monitor);
  }
  const { watchers, detach } = monitor;
  watchers.add(watcher);
  return () => {
    if (watchers.delete(watcher) && watchers.size === 0) detach();
  };
}

/**
 * How to send one command with this client.
 *
 * @throws {TypeError} when `client` is not an ioredis or node-redis client.
 */
export function commandSender(client: RedisClientLike | undefined): CommandSender {
  if (typeof client === "object" && client !== null) {
    if (typeof (client as IoRedisClientLike).call === "function") {
      const io = client as IoRedisClientLike;
      return ([name = "", ...args]) => io.call(name, ...args);
    }
    if (typeof (client as NodeRedisClientLike).sendCommand === "function") {
      const node = client as NodeRedisClientLike;
      return (args) => node.sendCommand(args);
    }
  }
  throw new TypeError("redisStore needs `client`: an ioredis client (new Redis(url)) or a connected node-redis client");
}

/**
 * Whether Redis itself answered with an error (so it is reachable): ioredis's `ReplyError`,
 * node-redis's `ErrorReply`. `LOADING` (a restarted Redis still reading its data) counts as unreachable.
 */
export function isReplyError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const reply = error.name === "ReplyError" || /^(ErrorReply|SimpleError|BlobError)$/.test(error.constructor.name);
  return reply && !error.message.startsWith("LOADING");
}

/** The message of an error, or the value as text. */
export function explain(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
