/**
 * Flask conformance on the Redis store (the `redis` entry of flashkit/testing, over a throw-away
 * redis-server) of the adapters whose commits it makes asynchronous in their own way: flashkit/nest on
 * Nest's Express and Fastify platforms (awaited by flashkit/express's `res.end()` and flashkit/fastify's
 * `onSend` under Nest), and flashkit/h3 on h3 v2 (after `next()`) and h3 v1 (the Node response's
 * `end()` held while the store commits); and the frameworks that serve the protocol from their own
 * built app — Astro, SvelteKit and Nuxt — started with `FLASHKIT_STORE=redis`, their test app's store
 * then being Redis at REDIS_URL. Express has its own file, with both Redis clients.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { closeConformanceStores } from "../src/testing/stores.js";
import { ASTRO_APPS, ASTRO_BUILD_TIMEOUT, buildAstro, startAstro } from "./astro-server.js";
import { describeConformance } from "./conformance-suite.js";
import { buildNuxt, hasNode22, NUXT_APPS, NUXT_BUILD_TIMEOUT, startNuxt } from "./nuxt-server.js";
import { HAS_REDIS, startRedisServer } from "./redis-server.js";
import { buildSvelteKit, SVELTEKIT_APPS, SVELTEKIT_BUILD_TIMEOUT, startSvelteKit } from "./sveltekit-server.js";

const SECRET = "conformance-redis-secret-0123456789-0123456789";

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

  const env = { FLASH_SECRET: SECRET, FLASHKIT_STORE: "redis", REDIS_URL: server.url };
  describe("astro", () => {
    beforeAll(() => buildAstro(ASTRO_APPS.protocol), ASTRO_BUILD_TIMEOUT);
    describeConformance("astro + redis store", {
      start: () => startAstro(ASTRO_APPS.protocol, { env }),
      store: "redis",
    });
  });
  describe("sveltekit", () => {
    beforeAll(() => buildSvelteKit(SVELTEKIT_APPS.conformance), SVELTEKIT_BUILD_TIMEOUT);
    describeConformance("sveltekit + redis store", {
      start: () => startSvelteKit(SVELTEKIT_APPS.conformance, env),
      store: "redis",
    });
  });
  describe.skipIf(!hasNode22())("nuxt", () => {
    beforeAll(() => buildNuxt(NUXT_APPS.conformance), NUXT_BUILD_TIMEOUT);
    describeConformance("nuxt + redis store", {
      start: () => startNuxt(NUXT_APPS.conformance, { env }),
      store: "redis",
    });
  });
}
