/**
 * The store contract (test/store-suite.ts) against every store: cookie, memory, session, and Redis
 * through both clients it supports (against a real `redis-server`). What is particular to one store
 * is tested beside it (src/stores/*.test.ts, test/redis-*.test.ts).
 */
import { describe } from "vitest";
import { cookieStore, memoryStore, sessionStore } from "../src/index.js";
import { type RedisClientLike, redisStore } from "../src/stores/redis.js";
import { SECRET } from "./helpers.js";
import { HAS_REDIS, useRedisClients } from "./redis-server.js";
import { describeStore } from "./store-suite.js";

// The contract round-trips a message near a cookie's 4 KB: allow one request to add that much.
describeStore("cookie", () => cookieStore({ secret: SECRET, maxBytes: 8192, maxAddedBytes: 4098 }));
describeStore("cookie with a rotated secret list", () =>
  cookieStore({ secret: [SECRET, "o".repeat(40)], maxBytes: 8192, maxAddedBytes: 4098 }),
);
describeStore("memory", () => memoryStore());
describeStore("session", () => sessionStore());

describe.skipIf(!HAS_REDIS)("redis", () => {
  const redis = useRedisClients();
  const make = (client: RedisClientLike) =>
    redis.keep(redisStore({ client, secret: SECRET, logger: { debug() {}, warn() {} } }));

  describeStore("redis via ioredis", () => make(redis.io));
  describeStore("redis via node-redis", () => make(redis.node));
});
