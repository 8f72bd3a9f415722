/**
 * The store contract (test/store-suite.ts) against every store: cookie, memory, session, and Redis
 * through both clients it supports (against a real `redis-server`). What is particular to one store
 * is tested beside it (src/stores/*.test.ts, test/redis-*.test.ts).
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe } from "vitest";
import { cookieStore, memoryStore, sessionStore } from "../src/index.js";
import { type RedisClientLike, type RedisStore, redisStore } from "../src/stores/redis.js";
import { SECRET } from "./helpers.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";
import { describeStore } from "./store-suite.js";

// The contract round-trips a message near a cookie's 4 KB: allow one request to add that much.
describeStore("cookie", () => cookieStore({ secret: SECRET, maxBytes: 8192, maxAddedBytes: 4098 }));
describeStore("cookie with a rotated secret list", () =>
  cookieStore({ secret: [SECRET, "o".repeat(40)], maxBytes: 8192, maxAddedBytes: 4098 }),
);
describeStore("memory", () => memoryStore());
describeStore("session", () => sessionStore());

describe.skipIf(!HAS_REDIS)("redis", () => {
  let server: RedisServer;
  let io: Redis;
  let node: ReturnType<typeof createClient>;
  const stores: RedisStore[] = [];
  const make = (client: RedisClientLike) => {
    const store = redisStore({ client, secret: SECRET, logger: { debug() {}, warn() {} } });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    io = new Redis(server.url);
    node = createClient({ url: server.url });
    await node.connect();
  });
  afterAll(async () => {
    for (const store of stores) store.close();
    io?.disconnect();
    await node?.close();
    await server?.close();
  });

  describeStore("redis via ioredis", () => make(io));
  describeStore("redis via node-redis", () => make(node));
});
