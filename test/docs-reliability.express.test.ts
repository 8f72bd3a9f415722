/**
 * The code blocks of docs/reliability.md, run as written inside an Express app: the 413 handler for a
 * message too large for the memory store, and the `flash.save()` route on a real Redis that is up,
 * then full.
 */
import { readFileSync } from "node:fs";
import { transformSync } from "esbuild";
import express, { type Express } from "express";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { FlashError } from "../src/core/errors.js";
import { memoryStore } from "../src/stores/memory.js";
import { redisStore } from "../src/stores/redis.js";
import { createBrowserClient, type StartedServer, startServer } from "../src/testing/index.js";
import { SECRET } from "./helpers.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

const page = readFileSync(new URL("../docs/reliability.md", import.meta.url), "utf8");
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");

/**
 * The block that contains `marker`, as a function of `app`: compiled to CommonJS, its `flashkit` import
 * served by the sources (test/docs-snippets.all.test.ts type-checks it against the built package).
 */
function snippet(marker: string): (app: Express) => void {
  const found = blocks.filter((block) => block.includes(marker));
  expect(found, `one ts block of docs/reliability.md containing ${marker}`).toHaveLength(1);
  const { code } = transformSync(found[0] as string, { loader: "ts", format: "cjs" });
  const modules: Record<string, unknown> = { flashkit: { FlashError } };
  const load = (name: string) => {
    if (!(name in modules)) throw new Error(`the block imports ${name}, which this test does not provide`);
    return modules[name];
  };
  return (app) => new Function("app", "require", "exports", "module", code)(app, load, {}, { exports: {} });
}

const servers: StartedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("docs/reliability.md", () => {
  it("the 413 handler answers a message too large for the memory store", async () => {
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(flash({ store: memoryStore({ maxMessageBytes: 16_384 }) }));
    app.post("/login", (req, res) => {
      req.flash(`No account found for ${req.body.email}`, "error");
      res.redirect(303, "/login");
    });
    app.get("/login", (req, res) => {
      res.json(req.getFlashedMessages({ withCategories: true }));
    });
    snippet("ERR_FLASH_MESSAGE_TOO_LARGE")(app);
    const server = await startServer(app);
    servers.push(server);
    const browser = createBrowserClient(server.url);
    const post = (email: string) =>
      browser.fetch("/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email }).toString(),
      });
    const tooLarge = await post("a".repeat(50_000));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.text()).toBe("Input too large");
    const ordinary = await post("ada@example.com");
    expect(await ordinary.json()).toEqual([["error", "No account found for ada@example.com"]]);
  });

  describe.skipIf(!HAS_REDIS)("with a real Redis", () => {
    let redis: RedisServer;
    let client: Redis;
    let admin: Redis;
    beforeAll(async () => {
      redis = await startRedisServer();
      client = new Redis(redis.url);
      admin = new Redis(redis.url);
    });
    afterAll(async () => {
      client.disconnect();
      admin.disconnect();
      await redis.stop();
    });

    it("the flash.save() route redirects while Redis takes the message, and answers 503 when Redis is full", async () => {
      const app = express();
      app.use(flash({ store: redisStore({ client, secret: SECRET, logger: { debug() {}, warn() {} } }) }));
      snippet("req.flash.save()")(app);
      app.get("/profile", (req, res) => {
        res.json(req.getFlashedMessages({ withCategories: true }));
      });
      const server = await startServer(app);
      servers.push(server);
      const browser = createBrowserClient(server.url);
      const saved = await browser.fetch("/profile", { method: "POST" });
      expect(saved.status).toBe(200);
      expect(await saved.json()).toEqual([["success", "Profile updated successfully!"]]);

      await admin.config("SET", "maxmemory-policy", "noeviction");
      await admin.config("SET", "maxmemory", "1");
      try {
        const refused = await browser.fetch("/profile", { method: "POST", redirect: "manual" });
        expect(refused.status).toBe(503);
        expect(refused.headers.get("location")).toBeNull();
        expect(await refused.text()).toBe(
          "Your profile was updated, but the confirmation could not be kept (ERR_FLASH_STORE_FULL).",
        );
        expect(browser.cookies().filter((cookie) => cookie.name.startsWith("flash."))).toEqual([]);
      } finally {
        await admin.config("SET", "maxmemory", "0");
      }
    });
  });
});
