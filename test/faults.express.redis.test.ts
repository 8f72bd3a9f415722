/**
 * Faults: Redis goes away in the middle of a run, twice, under an Express app on the Redis store
 * (once with ioredis, once with node-redis). The timeline, printed by the test:
 *
 * 1. two messages are flashed and left pending;
 * 2. **pause** (SIGSTOP: connections stay open, nothing answers): the first page waits `timeout`
 *    and renders without messages; `flash()` throws `FlashError` `ERR_FLASH_STORE_UNAVAILABLE`
 *    ("unreachable"); twenty more pages render at once without messages and log nothing more;
 * 3. **resume** (SIGCONT): the app flashes again, and the next page shows what Redis kept (the two
 *    pending messages) and the new one;
 * 4. **kill** (SIGTERM; persistence is off, so Redis keeps nothing): the client notices at once;
 *    pages render without messages, `flash()` throws, one more warning;
 * 5. **restart** on the same port, empty: the app flashes again; the message flashed before the kill
 *    is gone with Redis's memory (its cookie is expired), the new one is shown.
 *
 * Throughout: no 5xx on a page, no unhandled rejection, no error event left to crash the process,
 * and exactly one warning per outage plus one recovery notice.
 */
import express from "express";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { FlashError, type FlashLogger } from "../src/index.js";
import { type RedisClientLike, type RedisStore, redisStore } from "../src/stores/redis.js";
import { createBrowserClient, type StartedServer, startServer } from "../src/testing/index.js";
import { SECRET } from "./helpers.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

const TIMEOUT = 300;
const RETRY_INTERVAL = 200;

interface Clients {
  readonly client: RedisClientLike;
  close(): Promise<void>;
}

const clients: Record<string, (url: string) => Promise<Clients>> = {
  ioredis: async (url) => {
    const client = new Redis(url, { retryStrategy: () => 100 });
    return { client, close: async () => client.disconnect() };
  },
  "node-redis": async (url) => {
    const client = createClient({ url, socket: { reconnectStrategy: () => 100 } });
    await client.connect();
    return { client, close: async () => client.destroy() };
  },
};

describe.skipIf(!HAS_REDIS)("redis store when Redis goes away", () => {
  let redis: RedisServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    redis = await startRedisServer();
    process.on("unhandledRejection", onUnhandled);
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await redis?.close();
  });

  let cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  for (const [label, connect] of Object.entries(clients)) {
    it(`keeps pages up, makes flash() fail clearly, and recovers (${label})`, async () => {
      const { client, close } = await connect(redis.url);
      cleanup.push(close);
      const warnings: Array<[number, string]> = [];
      const logged: string[] = [];
      const started = Date.now();
      const at = () => Date.now() - started;
      const logger: FlashLogger = { debug() {}, warn: (message) => warnings.push([at(), message]) };
      for (const method of ["warn", "error", "log"] as const) {
        const original = console[method];
        console[method] = (...args: unknown[]) => {
          logged.push(`console.${method}: ${args.map(String).join(" ")}`);
        };
        cleanup.push(() => {
          console[method] = original;
        });
      }
      const store: RedisStore = redisStore({
        client,
        secret: SECRET,
        timeout: TIMEOUT,
        retryInterval: RETRY_INTERVAL,
        // The timeline is shorter than the default grace for messages still on their way to Redis.
        pendingGrace: 0,
        logger,
      });
      cleanup.push(() => store.close());

      const app = express();
      app.use(flash({ store, logger }));
      app.get("/page", (req, res) => {
        res.json(req.getFlashedMessages());
      });
      app.post("/flash/:message", (req, res) => {
        try {
          req.flash(req.params.message);
          res.json({ ok: true });
        } catch (error) {
          if (!(error instanceof FlashError)) throw error;
          res.status(503).json({ code: error.code, message: error.message });
        }
      });
      const server: StartedServer = await startServer(app);
      cleanup.push(() => server.close());
      const browser = createBrowserClient(server.url);

      const page = async () => {
        const response = await browser.fetch("/page");
        expect(response.status).toBe(200);
        return (await response.json()) as string[];
      };
      const flashOnce = async (message: string) => {
        const response = await browser.fetch(`/flash/${message}`, { method: "POST" });
        return { status: response.status, body: (await response.json()) as { code?: string; message?: string } };
      };
      /** Flashes until it succeeds; returns the number of refusals before that. */
      const flashWhenBack = async (message: string) => {
        for (let refused = 0; refused < 200; refused++) {
          const { status, body } = await flashOnce(message);
          if (status === 200) return refused;
          expect(body.code).toBe("ERR_FLASH_STORE_UNAVAILABLE");
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error("flash() never worked again");
      };
      const timeline: string[] = [];
      const note = (event: string) => timeline.push(`${String(at()).padStart(6)} ms  ${event}`);

      // 1. Two messages pending.
      expect((await flashOnce("kept-1")).status).toBe(200);
      expect((await flashOnce("kept-2")).status).toBe(200);
      note("flashed kept-1, kept-2");

      // 2. Pause.
      redis.pause();
      note("redis-server paused (SIGSTOP)");
      let t = Date.now();
      expect(await page()).toEqual([]);
      note(`first page rendered with no messages after ${Date.now() - t} ms (the timeout is ${TIMEOUT} ms)`);
      expect(Date.now() - t).toBeGreaterThanOrEqual(TIMEOUT - 20);
      const refused = await flashOnce("during-pause");
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe("ERR_FLASH_STORE_UNAVAILABLE");
      expect(refused.body.message).toMatch(/redis store is unreachable/);
      note(`flash() threw ${refused.body.code}: ${refused.body.message}`);
      t = Date.now();
      for (let i = 0; i < 20; i++) expect(await page()).toEqual([]);
      note(`20 more pages rendered in ${Date.now() - t} ms, no messages`);
      expect(warnings.map(([, message]) => message)).toEqual([expect.stringMatching(/redis store unreachable/)]);
      expect(browser.cookies()).toHaveLength(2);

      // 3. Resume: what Redis kept is delivered.
      redis.resume();
      note("redis-server resumed (SIGCONT)");
      const refusedAfterResume = await flashWhenBack("after-pause");
      note(`flash() works again (${refusedAfterResume} refusal(s) after the resume)`);
      expect(await page()).toEqual(["kept-1", "kept-2", "after-pause"]);
      note("page showed kept-1, kept-2, after-pause");
      expect(warnings).toHaveLength(2);
      expect(warnings[1]![1]).toMatch(/reachable again/);

      // 4. Kill: Redis forgets everything.
      expect((await flashOnce("before-kill")).status).toBe(200);
      await redis.stop();
      note("redis-server stopped (SIGTERM, nothing saved)");
      t = Date.now();
      expect(await page()).toEqual([]);
      note(`first page rendered with no messages after ${Date.now() - t} ms`);
      const refusedKilled = await flashOnce("during-outage");
      expect(refusedKilled.status).toBe(503);
      expect(refusedKilled.body.message).toMatch(/redis store is unreachable/);
      note(`flash() threw ${refusedKilled.body.code}`);
      for (let i = 0; i < 20; i++) expect(await page()).toEqual([]);
      note("20 more pages rendered, no messages");
      expect(warnings).toHaveLength(3);
      expect(warnings[2]![1]).toMatch(/redis store unreachable/);

      // 5. Restart, empty.
      await redis.start();
      note("redis-server restarted on the same port (empty)");
      const refusedAfterRestart = await flashWhenBack("after-restart");
      note(`flash() works again (${refusedAfterRestart} refusal(s) after the restart)`);
      expect(await page()).toEqual(["after-restart"]);
      note("page showed after-restart; before-kill died with Redis's memory and its cookie was expired");
      expect(browser.cookies()).toEqual([]);
      expect(warnings).toHaveLength(4);
      expect(warnings[3]![1]).toMatch(/reachable again/);

      expect(unhandled).toEqual([]);
      expect(logged).toEqual([]);
      process.stdout.write(
        `\nredis fault timeline (${label}):\n${timeline.join("\n")}\n` +
          `warnings:\n${warnings.map(([time, message]) => `${String(time).padStart(6)} ms  ${message}`).join("\n")}\n`,
      );
    });
  }
});
