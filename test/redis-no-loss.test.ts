/**
 * The no-loss workload (no-loss-suite.ts: one browser-like cookie jar, rounds of three overlapping
 * flashing requests and one overlapping read, 600 messages) on Express over the Redis store, with
 * ioredis and with node-redis. Nothing may be lost or shown twice, and nothing may be left in Redis.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type RedisClientLike, type RedisStore, redisStore } from "../src/stores/redis.js";
import { describeNoLoss, NO_LOSS_SECRET, startExpressNoLossApp } from "./no-loss-suite.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

describe.skipIf(!HAS_REDIS)("redis store under overlapping requests", () => {
  let server: RedisServer;
  let io: Redis;
  let node: ReturnType<typeof createClient>;
  const stores: RedisStore[] = [];
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

  function startExpress(client: RedisClientLike, keyPrefix: string) {
    const store = redisStore({ client, secret: NO_LOSS_SECRET, keyPrefix });
    stores.push(store);
    return startExpressNoLossApp(store);
  }

  for (const [label, client] of [
    ["ioredis", () => io],
    ["node-redis", () => node],
  ] as const) {
    const keyPrefix = `no-loss-${label}:`;
    describeNoLoss(`express + redis store (${label})`, {
      start: () => startExpress(client(), keyPrefix),
      allowDuplicates: false,
      after: async () => expect(await io.keys(`${keyPrefix}*`)).toEqual([]),
    });
  }
});
