import { describe, expect, it } from "vitest";
import { createFlash } from "../src/index.js";
import { type RedisClientLike, type RedisStoreOptions, redisStore } from "../src/stores/redis.js";
import { fakeRequest, pairsOf, SECRET, testJar } from "./helpers.js";
import { HAS_REDIS, useRedisClients } from "./redis-server.js";
import { visit } from "./store-suite.js";

const quiet = { debug() {}, warn() {} };

describe.skipIf(!HAS_REDIS)("redis store", () => {
  const clients = useRedisClients();
  const make = (client: RedisClientLike, options: Partial<RedisStoreOptions> = {}) =>
    clients.keep(redisStore({ client, secret: SECRET, logger: quiet, ...options }));
  /** Any command, through ioredis. */
  const redis = (...args: string[]) => clients.io.call(args[0]!, ...args.slice(1));

  for (const [label, client] of [
    ["ioredis", () => clients.io],
    ["node-redis", () => clients.node],
  ] as const) {
    describe(`with ${label}`, () => {
      it("keeps a client's messages in one hash, field = message id, with the TTL", async () => {
        const store = make(client(), { ttl: 120 });
        const browser = testJar();
        await visit(store, browser, (jar) => {
          jar.flash("one", "success");
          jar.flash({ n: 2 });
        });
        const cookies = pairsOf(browser);
        expect(cookies).toHaveLength(2);
        const owners = new Set(cookies.map(([, value]) => value.split(".")[0]));
        expect(owners.size).toBe(1);
        const [owner] = owners;
        expect(owner).toMatch(/^[0-9a-f]{32}$/);
        const hash = (await redis("HGETALL", `flashkit:${owner}`)) as string[];
        const fields = Object.fromEntries(
          Array.from({ length: hash.length / 2 }, (_, i) => [hash[2 * i], hash[2 * i + 1]]),
        );
        expect(fields).toEqual({
          [cookies[0]![0].slice("flash.".length)]: '["success","one"]',
          [cookies[1]![0].slice("flash.".length)]: '["message",{"n":2}]',
        });
        const pttl = Number(await redis("PTTL", `flashkit:${owner}`));
        expect(pttl).toBeGreaterThan(110_000);
        expect(pttl).toBeLessThanOrEqual(120_000);
        // A later flash reuses the client's id; reading everything deletes the hash.
        await visit(store, browser, (jar) => jar.flash("three"));
        expect(new Set(pairsOf(browser).map(([, value]) => value.split(".")[0]))).toEqual(owners);
        await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual(["one", { n: 2 }, "three"]));
        expect(await redis("EXISTS", `flashkit:${owner}`)).toBe(0);
        expect(browser.cookies().length).toBe(0);
      });

      it("uses the key prefix and the cookie options", async () => {
        const store = make(client(), { keyPrefix: "app1:flash:", prefix: "f_", maxAge: 60, path: "/app" });
        const request = fakeRequest();
        const jar = createFlash({ store }).open(request);
        await jar.load();
        jar.flash("x");
        await jar.commit();
        expect(request.setCookies).toHaveLength(1);
        expect(request.setCookies[0]).toMatch(
          /^f_[0-9a-z]{11}[0-9a-f]{6}=[0-9a-f]{32}\.[\w-]{43}; Max-Age=60; Path=\/app; HttpOnly; SameSite=Lax; Priority=Low$/,
        );
        const owner = request.setCookies[0]!.split("=")[1]!.split(".")[0]!;
        expect(await redis("HLEN", `app1:flash:${owner}`)).toBe(1);
        const pttl = Number(await redis("PTTL", `app1:flash:${owner}`));
        expect(pttl).toBeGreaterThan(50_000);
        expect(pttl).toBeLessThanOrEqual(60_000);
      });

      it("loses nothing when a fresh client's first flashes overlap (each cookie names its own hash)", async () => {
        const store = make(client());
        const flash = createFlash({ store });
        const browser = testJar();
        const requests = Array.from({ length: 3 }, () => fakeRequest(browser.header()));
        const jars = requests.map((request) => flash.open(request));
        await Promise.all(jars.map((jar) => jar.load()));
        jars.forEach((jar, i) => {
          jar.flash(`first ${i}`);
        });
        await Promise.all(jars.map((jar) => jar.commit()));
        for (const request of requests.reverse()) browser.apply(request.setCookies);
        const owners = new Set(pairsOf(browser).map(([, value]) => value.split(".")[0]));
        expect(owners.size).toBe(3);
        let got: unknown[] = [];
        await visit(store, browser, (jar) => {
          got = jar.getFlashedMessages();
        });
        expect(got).toEqual(["first 0", "first 1", "first 2"]);
        for (const owner of owners) expect(await redis("EXISTS", `flashkit:${owner}`)).toBe(0);
      });

      it("expires the cookie of a message Redis no longer has, and shows the others", async () => {
        const store = make(client(), { pendingGrace: 0 });
        const browser = testJar();
        await visit(store, browser, (jar) => {
          jar.flash("gone");
          jar.flash("kept");
        });
        const [[goneName, value] = ["", ""]] = pairsOf(browser);
        await redis("HDEL", `flashkit:${value.split(".")[0]}`, goneName.slice("flash.".length));
        let got: unknown[] = [];
        const set = await visit(store, browser, (jar) => {
          got = jar.peek();
        });
        expect(got).toEqual(["kept"]);
        expect(set).toEqual([`${goneName}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`]);
        expect(browser.cookies().length).toBe(1);
      });

      it("keeps, for pendingGrace, the cookie of a message flashed moments ago that Redis does not have yet", async () => {
        const store = make(client());
        const browser = testJar();
        await visit(store, browser, (jar) => jar.flash("on its way"));
        const [[name, value] = ["", ""]] = pairsOf(browser);
        await redis("HDEL", `flashkit:${value.split(".")[0]}`, name.slice("flash.".length));
        let got: unknown[] = ["?"];
        const set = await visit(store, browser, (jar) => {
          got = jar.peek();
        });
        expect(got).toEqual([]);
        expect(set).toEqual([]);
        expect(browser.cookies().length).toBe(1);
      });

      it("ignores a client id it did not sign, without asking Redis", async () => {
        const store = make(client());
        const browser = testJar();
        await visit(store, browser, (jar) => jar.flash("mine"));
        const [[name, value] = ["", ""]] = pairsOf(browser);
        const stranger = testJar();
        // Another client learns the id and forges a cookie for it with a different MAC.
        stranger.set(name, `${value.split(".")[0]}.${"A".repeat(43)}`);
        await visit(store, stranger, (jar) => expect(jar.getFlashedMessages()).toEqual([]));
        await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual(["mine"]));
      });

      it("sends the script again when Redis forgot it (SCRIPT FLUSH, a restart)", async () => {
        const store = make(client());
        const browser = testJar();
        await redis("SCRIPT", "FLUSH");
        await visit(store, browser, (jar) => jar.flash("after flush"));
        await visit(store, browser, (jar) => expect(jar.getFlashedMessages()).toEqual(["after flush"]));
      });

      it("throws ERR_FLASH_MESSAGE_TOO_LARGE past maxMessageBytes, at flash()", async () => {
        const store = make(client(), { maxMessageBytes: 100 });
        const jar = createFlash({ store }).open(fakeRequest());
        await jar.load();
        expect(() => jar.flash("x".repeat(200))).toThrow(
          expect.objectContaining({ code: "ERR_FLASH_MESSAGE_TOO_LARGE" }),
        );
        jar.flash("x".repeat(50));
      });
    });
  }
});
