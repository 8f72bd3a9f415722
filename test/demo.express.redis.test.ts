/**
 * The demo (examples/demo/server.js) with `REDIS_URL` set keeps its messages in Redis: a flash from
 * the playground lands in the client's hash, the next page shows it and empties the hash, and
 * SIGTERM closes the Redis client so the process ends. With Redis stopped, the playground answers
 * 503 with the reason instead of a 500. The demo imports the built package, so this
 * needs `npm run build` (which `npm test` runs first).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowserClient } from "../src/testing/index.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

const SERVER_JS = fileURLToPath(new URL("../examples/demo/server.js", import.meta.url));
const BUILT = fileURLToPath(new URL("../dist/stores/redis.js", import.meta.url));
const SECRET = "demo-redis-secret-0123456789-0123456789-abcdef";

describe.skipIf(!HAS_REDIS)("the demo on Redis (REDIS_URL)", () => {
  let redis: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.close();
  });

  it("keeps the playground's messages in Redis and closes its client on SIGTERM", async () => {
    expect(existsSync(BUILT), "dist/ is missing: run `npm run build` first (npm test does)").toBe(true);
    const { FLASH_SECRET: _secret, NODE_ENV: _nodeEnv, PORT: _port, ...inherited } = process.env;
    const child: ChildProcess = spawn(process.execPath, [SERVER_JS], {
      env: { ...inherited, PORT: "0", FLASH_SECRET: SECRET, REDIS_URL: redis.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 15_000);
        child.stdout?.on("data", () => {
          const match = /running at (http:\/\/\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        exited.then((code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`flash messages are kept in Redis at ${redis.url}`);

      const browser = createBrowserClient(url);
      // The playground's form carries the client's CSRF token.
      const form = await (await browser.fetch("/playground")).text();
      const _csrf = /name="_csrf" value="([\w-]+)"/.exec(form)?.[1] ?? "";
      const flashCookies = () => browser.cookies().filter((cookie) => cookie.name !== "demo_csrf");
      const posted = await browser.fetch("/playground", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf, message: "Kept in Redis", category: "success", count: "1" }).toString(),
        redirect: "manual",
      });
      expect(posted.status).toBe(302);
      const [cookie] = flashCookies();
      expect(cookie?.value).toMatch(/^[0-9a-f]{32}\.[\w-]{43}$/);
      const key = `flashkit:${cookie!.value.split(".")[0]}`;
      expect(await admin.hvals(key)).toEqual(['["success","Kept in Redis"]']);

      const page = await browser.fetch("/playground");
      expect(await page.text()).toContain("Kept in Redis");
      expect(await admin.exists(key)).toBe(0);
      expect(flashCookies()).toEqual([]);

      // Redis down: the playground says so in the same response (503), the process lives on. The demo
      // learns that Redis is gone from its client's socket closing, an event that can reach it after
      // the next request when both arrive together: ask until it knows (a few ms), at most 5 s.
      await redis.stop();
      const flashWhileDown = () =>
        browser.fetch("/playground", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ _csrf, message: "While Redis is down", category: "info", count: "1" }).toString(),
          redirect: "manual",
        });
      let refused = await flashWhileDown();
      for (const started = Date.now(); refused.status !== 503 && Date.now() - started < 5000; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        refused = await flashWhileDown();
      }
      expect(refused.status).toBe(503);
      expect(await refused.text()).toMatch(/Not flashed: .*unreachable/);
      expect((await browser.fetch("/")).status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
