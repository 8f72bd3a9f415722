import { describe, expect } from "vitest";
import { type RedisClientLike, redisStore } from "../src/stores/redis.js";
import { describeNoLoss, NO_LOSS_SECRET, startExpressNoLossApp } from "./no-loss-suite.js";
import { HAS_REDIS, useRedisClients } from "./redis-server.js";

describe.skipIf(!HAS_REDIS)("redis store under overlapping requests", () => {
  const clients = useRedisClients();

  function startExpress(client: RedisClientLike, keyPrefix: string) {
    return startExpressNoLossApp(clients.keep(redisStore({ client, secret: NO_LOSS_SECRET, keyPrefix })));
  }

  for (const [label, client] of [
    ["ioredis", () => clients.io],
    ["node-redis", () => clients.node],
  ] as const) {
    const keyPrefix = `no-loss-${label}:`;
    describeNoLoss(`express + redis store (${label})`, {
      start: () => startExpress(client(), keyPrefix),
      allowDuplicates: false,
      after: async () => expect(await clients.io.keys(`${keyPrefix}*`)).toEqual([]),
    });
  }
});
