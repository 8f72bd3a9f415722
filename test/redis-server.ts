/**
 * A throw-away `redis-server` for the Redis tests: Debian's binary (`.ci/run` installs it) on a free
 * port of 127.0.0.1, persistence off, stopped by the test. Without the binary a test fails under CI
 * (with what to install) and is skipped loudly elsewhere: use `describe.skipIf(!HAS_REDIS)`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll } from "vitest";

const BINARY = process.env.REDIS_SERVER_BIN ?? "redis-server";

function findRedis(): boolean {
  const found = spawnSync(BINARY, ["--version"], { encoding: "utf8" });
  if (found.status === 0) return true;
  const hint = "redis-server is not installed: apt-get install redis-server (or set REDIS_SERVER_BIN)";
  if (process.env.CI) throw new Error(`the Redis tests cannot run: ${hint}`);
  console.warn(`\n!!! SKIPPING the Redis tests: ${hint} !!!\n`);
  return false;
}

/** Whether `redis-server` can be run here. Throws under CI when it cannot. */
export const HAS_REDIS: boolean = findRedis();

/** A running `redis-server` from {@link startRedisServer}. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** The server's process id (changes on `start()` after `stop()`). */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, nothing saved) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Stops it for good and removes its working directory. */
  close(): Promise<void>;
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when the server answers PING, polling every 20 ms. */
async function waitForPong(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      const done = (value: boolean) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(500, () => done(false));
      socket.once("error", () => done(false));
      socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
      socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${log()}`);
}

/**
 * Starts `redis-server --port P --bind 127.0.0.1 --save "" --appendonly no` on a free port.
 *
 * @example
 * const redis = await startRedisServer();
 * const client = new Redis(redis.url);
 * ...
 * await redis.close();
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "flashkit-redis-"));
  let port = 0;
  let child: ChildProcess | undefined;
  let output = "";
  let paused = false;
  const kill = () => child?.kill("SIGKILL");
  process.once("exit", kill);

  async function launch(): Promise<void> {
    output = "";
    child = spawn(
      BINARY,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const started = child;
    started.stdout?.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    started.stderr?.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    await waitForPong(port, started, () => output);
  }

  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      kill();
      // Another process may have taken the port between the probe and the bind: try another.
      if (attempt >= 3) throw error;
    }
  }

  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      // Only a paused server needs waking: Deno 2.9's child.kill() sends one signal per child, so an
      // unneeded SIGCONT would swallow the SIGTERM (denoland/deno#36643).
      if (paused) running.kill("SIGCONT");
      paused = false;
      running.kill("SIGTERM");
      await exited;
    },
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) throw new Error("redis-server is running");
      await launch();
    },
    pause() {
      paused = true;
      child?.kill("SIGSTOP");
    },
    resume() {
      paused = false;
      child?.kill("SIGCONT");
    },
    async close() {
      await server.stop();
      process.off("exit", kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A node-redis client, as `createClient({ url })` makes it. */
const nodeClient = (url: string) => createClient({ url });

/** A `redis-server` for the tests of one `describe` block, with a client of each kind on it. */
export interface RedisClients {
  readonly server: RedisServer;
  readonly io: Redis;
  readonly node: ReturnType<typeof nodeClient>;
  /** Returns `store`, and closes it after the block (before the clients quit). */
  keep<T extends { close(): void }>(store: T): T;
}

/**
 * Starts a `redis-server` and connects an ioredis and a node-redis client to it before the tests of
 * the calling `describe` block; after them closes the stores it was given, the clients and the server.
 *
 * @example
 * describe.skipIf(!HAS_REDIS)("redis", () => {
 *   const redis = useRedisClients();
 *   it("…", () => { const store = redis.keep(redisStore({ client: redis.io, secret })); });
 * });
 */
export function useRedisClients(): RedisClients {
  let started: { server: RedisServer; io: Redis; node: ReturnType<typeof nodeClient> } | undefined;
  const stores: Array<{ close(): void }> = [];
  const get = () => {
    if (!started) throw new Error("useRedisClients(): read the clients inside a test or hook, not at collection");
    return started;
  };
  beforeAll(async () => {
    const server = await startRedisServer();
    const node = nodeClient(server.url);
    started = { server, io: new Redis(server.url), node };
    await node.connect();
  });
  afterAll(async () => {
    for (const store of stores) store.close();
    started?.io.disconnect();
    await started?.node.close();
    await started?.server.close();
  });
  return {
    get server() {
      return get().server;
    },
    get io() {
      return get().io;
    },
    get node() {
      return get().node;
    },
    keep(store) {
      stores.push(store);
      return store;
    },
  };
}
