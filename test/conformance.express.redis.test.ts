/**
 * Flask conformance of the Express adapter on the Redis store: a store built here over ioredis and
 * over node-redis, and the `redis` entry of flashkit/testing (which `npm run conformance -- --store
 * redis` uses) on the `REDIS_URL` this test sets.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { createFlash } from "../src/index.js";
import { redisStore } from "../src/stores/redis.js";
import { createConformanceApp } from "../src/testing/index.js";
import { closeConformanceStores, conformanceStores } from "../src/testing/stores.js";
import { describeConformance } from "./conformance-suite.js";
import { fakeRequest, SECRET } from "./helpers.js";
import { HAS_REDIS, startRedisServer } from "./redis-server.js";

// describeConformance needs its store when the suite is collected, so Redis starts at module level.
const server = HAS_REDIS ? await startRedisServer() : undefined;

if (server) {
  const io = new Redis(server.url);
  const node = createClient({ url: server.url });
  await node.connect();
  const stores = [redisStore({ client: io, secret: SECRET }), redisStore({ client: node, secret: SECRET })];
  process.env.REDIS_URL = server.url;
  afterAll(async () => {
    for (const store of stores) store.close();
    await closeConformanceStores();
    io.disconnect();
    await node.close();
    await server.close();
    delete process.env.REDIS_URL;
  });

  describeConformance("express 5 + redis store (ioredis)", { adapter: "express", store: stores[0]! });
  describeConformance("express 5 + redis store (node-redis)", { adapter: "express", store: stores[1]! });
  describeConformance("express 5 + the `redis` entry of flashkit/testing (REDIS_URL)", {
    adapter: "express",
    store: "redis",
  });

  describe("the `redis` entry of flashkit/testing", () => {
    it("fails clearly without REDIS_URL", async () => {
      const url = process.env.REDIS_URL;
      delete process.env.REDIS_URL;
      try {
        await expect(createConformanceApp({ adapter: "express", store: "redis" })).rejects.toThrow(
          /the redis store needs REDIS_URL/,
        );
      } finally {
        process.env.REDIS_URL = url;
      }
    });

    it("stores under its own key prefix, and closeConformanceStores() quits its client", async () => {
      const store = await conformanceStores.redis({});
      const request = fakeRequest();
      const jar = createFlash({ store }).open(request);
      await jar.load();
      jar.flash("via the entry");
      await jar.commit();
      const owner = request.setCookies[0]?.split("=")[1]?.split(".")[0];
      const client = new Redis(server.url);
      try {
        expect(await client.hvals(`flashkit-conformance:${owner}`)).toEqual(['["message","via the entry"]']);
      } finally {
        client.disconnect();
      }
      expect(store.available).toBe(true);
      await closeConformanceStores();
      // ioredis reports "end" once the socket has closed, just after QUIT's reply.
      await expect.poll(() => store.available).toBe(false);
    });
  });
} else {
  it.skip("Redis conformance: redis-server is not installed (apt-get install redis-server)", () => {});
}
