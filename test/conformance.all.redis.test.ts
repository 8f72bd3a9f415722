/**
 * Flask conformance on the Redis store (the `redis` entry of flashkit/testing, over a throw-away
 * redis-server) of the adapters whose commits it makes asynchronous in their own way: flashkit/nest on
 * Nest's Express and Fastify platforms (awaited by flashkit/express's `res.end()` and flashkit/fastify's
 * `onSend` under Nest), and flashkit/h3 on h3 v2 (after `next()`) and h3 v1 (the Node response's
 * `end()` held while the store commits). Express has its own file, with both Redis clients.
 */
import { afterAll } from "vitest";
import { closeConformanceStores } from "../src/testing/stores.js";
import { describeConformance } from "./conformance-suite.js";
import { HAS_REDIS, startRedisServer } from "./redis-server.js";

// describeConformance needs its store when the suite is collected, so Redis starts at module level.
const server = HAS_REDIS ? await startRedisServer() : undefined;

if (server) {
  process.env.REDIS_URL = server.url;
  afterAll(async () => {
    await closeConformanceStores();
    await server.close();
    delete process.env.REDIS_URL;
  });
  describeConformance("nest (Express platform) + redis store", { adapter: "nest", store: "redis" });
  describeConformance("nest (Fastify platform) + redis store", { adapter: "nest-fastify", store: "redis" });
  describeConformance("h3 v2 + redis store", { adapter: "h3", store: "redis" });
  describeConformance("h3 v1 + redis store", { adapter: "h3-v1", store: "redis" });
}
