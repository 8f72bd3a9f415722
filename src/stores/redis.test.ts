/**
 * Unit tests of the Redis store over a scripted fake client: configuration, what it sends (and
 * when it sends nothing), and how it decides Redis is unreachable and back. The store against a
 * real redis-server is in test/redis-*.test.ts.
 */
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { fakeRequest } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashLogger } from "../core/types.js";
import { COMMIT_SCRIPT, COMMIT_SCRIPT_SHA, type RedisStoreOptions, redisStore } from "./redis.js";

const SECRET = "unit-test-secret-0123456789-0123456789-abcdef";

/** An ioredis-shaped client whose replies the test decides. */
class FakeClient extends EventEmitter {
  status = "ready";
  readonly sent: string[][] = [];
  reply: (args: string[]) => Promise<unknown> = async (args) =>
    args[0] === "HMGET" ? args.slice(2).map(() => null) : args[0] === "PING" ? "PONG" : 0;
  call(command: string, ...args: string[]): Promise<unknown> {
    this.sent.push([command, ...args]);
    return this.reply([command, ...args]);
  }
}

function setup(options: Partial<RedisStoreOptions> = {}) {
  const client = new FakeClient();
  const warnings: string[] = [];
  const logger: FlashLogger = { debug() {}, warn: (message) => warnings.push(message) };
  const store = redisStore({ client, secret: SECRET, logger, timeout: 100, retryInterval: 50, ...options });
  return { client, store, warnings, flash: createFlash({ store }) };
}

/** Flashes one message on a fresh client; returns its cookie header (name=value). */
async function flashOne(flash: ReturnType<typeof setup>["flash"], message = "m"): Promise<string> {
  const request = fakeRequest();
  const jar = flash.open(request);
  await jar.load();
  jar.flash(message);
  await jar.commit();
  return request.setCookies[0]!.split(";")[0]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("redisStore", () => {
  it("ships the SHA-1 of its commit script, for EVALSHA", () => {
    expect(createHash("sha1").update(COMMIT_SCRIPT).digest("hex")).toBe(COMMIT_SCRIPT_SHA);
  });

  it("rejects a missing client and bad options at start-up", () => {
    expect(() => redisStore({ client: undefined as never, secret: SECRET })).toThrow(TypeError);
    expect(() => redisStore({ client: {} as never, secret: SECRET })).toThrow(
      /ioredis client .* or a connected node-redis/,
    );
    const client = new FakeClient();
    for (const bad of [
      { ttl: 0 },
      { timeout: -1 },
      { retryInterval: 1.5 },
      { maxMessageBytes: 0 },
      { maxPending: 0 },
      { maxPending: 2.5 },
      { prefix: "" },
      { pendingGrace: -1 },
    ]) {
      expect(() => redisStore({ client, secret: SECRET, ...bad }), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: "ERR_FLASH_CONFIG" }),
      );
    }
    expect(() => redisStore({ client, secret: "short" })).toThrow(/shorter than 32 bytes/);
    for (const secret of [null, 42, [], Buffer.alloc(31)]) {
      expect(() => redisStore({ client, secret: secret as never }), String(secret)).toThrow(
        expect.objectContaining({ code: "ERR_FLASH_CONFIG" }),
      );
    }
    expect(() => redisStore({ client, secret: Buffer.alloc(32, 7) })).not.toThrow();
  });

  it("keeps the cookie of a streamed response's message while its commit is still on its way to Redis", async () => {
    const hash = new Map<string, string>();
    let commitDone: () => void = () => {};
    const committed = new Promise<void>((resolve) => {
      commitDone = resolve;
    });
    const { client, flash } = setup();
    client.reply = async ([command, ...args]) => {
      if (command === "HMGET") return args.slice(1).map((field) => hash.get(field) ?? null);
      if (command === "EVALSHA") {
        await sleep(50);
        // One key, nothing removed, one message added: ... keys, "0", "1", id, json
        hash.set(args.at(-2)!, args.at(-1)!);
        commitDone();
      }
      return 1;
    };
    // The flashing request's commit has started (its Set-Cookie is out, as with res.write()) ...
    const writer = fakeRequest();
    const writerJar = flash.open(writer);
    await writerJar.load();
    writerJar.flash("streamed");
    const committing = writerJar.commit();
    const cookie = writer.setCookies[0]!.split(";")[0]!;
    // ... when the same browser's next request reads: nothing yet, and the cookie is left alone.
    const early = fakeRequest(cookie);
    const earlyJar = flash.open(early);
    await earlyJar.load();
    expect(earlyJar.getFlashedMessages()).toEqual([]);
    await earlyJar.commit();
    expect(early.setCookies).toEqual([]);
    await committing;
    await committed;
    const late = fakeRequest(cookie);
    const lateJar = flash.open(late);
    await lateJar.load();
    expect(lateJar.getFlashedMessages()).toEqual(["streamed"]);
  });

  it("logs rejected cookie names as printable ASCII", async () => {
    const debug: string[] = [];
    const client = new FakeClient();
    const store = redisStore({ client, secret: SECRET, logger: { debug: (m) => debug.push(m), warn() {} } });
    const jar = createFlash({ store }).open(fakeRequest("flash.\u001b[2J\nfake=1"));
    await jar.load();
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatch(/^flashkit: ignored cookie flash\.\\u001b\[2J\\u000afake:/);
    expect(client.sent).toEqual([]);
  });

  it("accepts a node-redis-shaped client (sendCommand) as well", async () => {
    const sent: string[][] = [];
    const client = {
      isReady: true,
      async sendCommand(args: string[]) {
        sent.push(args);
        return 1;
      },
    };
    const store = redisStore({ client, secret: SECRET });
    await flashOne(createFlash({ store }));
    expect(sent.map(([command]) => command)).toEqual(["EVALSHA"]);
    expect(store.available).toBe(true);
    client.isReady = false;
    expect(store.available).toBe(false);
  });

  it("sends nothing for a client without flash cookies, or with only forged ones", async () => {
    const { client, flash } = setup();
    for (const header of [
      undefined,
      "session=abc",
      `flash.${"0".repeat(11)}abcdef=${"a".repeat(32)}.${"A".repeat(43)}`,
    ]) {
      const jar = flash.open(fakeRequest(header));
      await jar.load();
      expect(jar.getFlashedMessages()).toEqual([]);
      await jar.commit();
    }
    expect(client.sent).toEqual([]);
  });

  it("commits one EVALSHA with the TTL, the maxPending cap, HDEL ids and HSET pairs, and falls back to EVAL on NOSCRIPT", async () => {
    const { client, flash } = setup({ ttl: 60, keyPrefix: "k:" });
    client.reply = async ([command]) => {
      if (command === "EVALSHA") throw Object.assign(new Error("NOSCRIPT No matching script."), { name: "ReplyError" });
      return 1;
    };
    const cookie = await flashOne(flash, "hello");
    const [name, value] = cookie.split("=") as [string, string];
    const owner = value.split(".")[0]!;
    const id = name.slice("flash.".length);
    expect(client.sent).toEqual([
      ["EVALSHA", COMMIT_SCRIPT_SHA, "1", `k:${owner}`, "60000", "64", "0", "1", id, '["message","hello"]'],
      ["EVAL", COMMIT_SCRIPT, "1", `k:${owner}`, "60000", "64", "0", "1", id, '["message","hello"]'],
    ]);
  });

  it("refuses flash() at once while the client reports it is reconnecting, and reads nothing", async () => {
    const { client, store, warnings, flash } = setup();
    const cookie = await flashOne(flash);
    client.sent.length = 0;
    client.status = "reconnecting";
    const request = fakeRequest(cookie);
    const jar = flash.open(request);
    await jar.load();
    expect(jar.getFlashedMessages()).toEqual([]);
    let thrown: unknown;
    try {
      jar.flash("nope");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FlashError);
    expect(thrown).toMatchObject({
      code: "ERR_FLASH_STORE_UNAVAILABLE",
      message: expect.stringMatching(/unreachable/),
    });
    jar.now("shown now, never stored");
    await jar.commit();
    expect(request.setCookies).toEqual([]);
    expect(client.sent).toEqual([]);
    expect(store.available).toBe(false);
    expect(warnings).toHaveLength(1);
    // The client's ready event ends the outage.
    client.status = "ready";
    client.emit("ready");
    expect(store.available).toBe(true);
    expect(warnings[1]).toMatch(/reachable again/);
  });

  it("times out a command that never answers, then probes at most once per retryInterval", async () => {
    const { client, store, warnings, flash } = setup({ timeout: 50, retryInterval: 80 });
    const cookie = await flashOne(flash);
    let answer = false;
    client.reply = (args) =>
      answer ? Promise.resolve(args[0] === "HMGET" ? ['["message","m"]'] : "PONG") : new Promise(() => {});
    const started = Date.now();
    const load = async () => {
      const jar = flash.open(fakeRequest(cookie));
      await jar.load();
      return jar.getFlashedMessages();
    };
    expect(await load()).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(store.available).toBe(false);
    for (let i = 0; i < 10; i++) expect(await load()).toEqual([]);
    // Within retryInterval of the failure: no probe yet.
    expect(client.sent.filter(([command]) => command === "PING")).toEqual([]);
    await sleep(90);
    answer = true;
    expect(await load()).toEqual([]); // starts the probe, does not wait for it
    await sleep(5);
    expect(client.sent.filter(([command]) => command === "PING")).toHaveLength(1);
    expect(store.available).toBe(true);
    expect(await load()).toEqual(["m"]);
    expect(warnings).toEqual([
      expect.stringMatching(/no answer within 50 ms/),
      expect.stringMatching(/reachable again/),
    ]);
  });

  it("warns once per outage, however many error events and requests", async () => {
    const { client, warnings, flash } = setup();
    for (let i = 0; i < 5; i++) client.emit("error", new Error("connect ECONNREFUSED"));
    for (let i = 0; i < 5; i++) {
      const jar = flash.open(fakeRequest());
      expect(() => jar.flash("x")).toThrow(/ECONNREFUSED/);
    }
    expect(warnings).toEqual([expect.stringMatching(/unreachable \(connect ECONNREFUSED\)/)]);
  });

  it("rejects a commit whose flashed messages could not be stored; a remove-only commit just expires cookies", async () => {
    const { client, flash } = setup();
    const cookie = await flashOne(flash);
    client.reply = async ([command]) => {
      if (command === "HMGET") return ['["message","m"]'];
      throw new Error("Connection is closed.");
    };
    const reader = fakeRequest(cookie);
    const readerJar = flash.open(reader);
    await readerJar.load();
    expect(readerJar.getFlashedMessages()).toEqual(["m"]);
    await readerJar.commit();
    expect(reader.setCookies).toEqual([`${cookie.split("=")[0]}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`]);

    client.emit("ready");
    const jar = flash.open(fakeRequest());
    await jar.load();
    jar.flash("lost");
    await expect(jar.commit()).rejects.toMatchObject({
      code: "ERR_FLASH_STORE_UNAVAILABLE",
      message: expect.stringMatching(/1 flashed message\(s\) could not be stored/),
    });
  });

  it("tells a full Redis (OOM reply) and a refusing one from an unreachable one, and starts no outage for them", async () => {
    const { client, store, warnings, flash } = setup();
    const replies = {
      ERR_FLASH_STORE_FULL: "OOM command not allowed when used memory > 'maxmemory'. script: abc, on @user_script:10.",
      ERR_FLASH_STORE_REJECTED: "READONLY You can't write against a read only replica.",
    };
    for (const [code, reply] of Object.entries(replies)) {
      client.reply = async () => {
        throw Object.assign(new Error(reply), { name: "ReplyError" });
      };
      const request = fakeRequest();
      const jar = flash.open(request);
      await jar.load();
      jar.flash("lost");
      await expect(jar.commit()).rejects.toMatchObject({
        code,
        message: expect.stringContaining(reply.split(" ")[0]!),
        cause: expect.objectContaining({ message: reply }),
      });
      // The cookie set for the message is expired again in the same response.
      const name = request.setCookies[0]!.split("=")[0]!;
      expect(request.setCookies).toEqual([
        expect.stringMatching(/\.[\w-]{43};/),
        `${name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax`,
      ]);
    }
    expect(store.available).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(/^flashkit: redis store full \(OOM .*\(ERR_FLASH_STORE_FULL\)/),
      expect.stringMatching(/^flashkit: redis store refuses writes \(READONLY .*\(ERR_FLASH_STORE_REJECTED\)/),
    ]);
    expect(warnings.join("\n")).not.toMatch(/unreachable/);
  });

  it("warns how many messages the commit script's cap removed", async () => {
    const { client, warnings, flash } = setup({ maxPending: 3 });
    client.reply = async ([command]) => (command === "EVALSHA" ? 2 : 0);
    await flashOne(flash);
    expect(client.sent[0]?.slice(0, 6)).toEqual(["EVALSHA", COMMIT_SCRIPT_SHA, "1", expect.any(String), "600000", "3"]);
    expect(warnings).toEqual([
      "flashkit: redis store removed the 2 oldest pending message(s) of a client holding more than maxPending (3)",
    ]);
  });

  it("treats an error reply as reachable: WRONGTYPE on a read warns and shows nothing", async () => {
    const { client, store, warnings, flash } = setup();
    const cookie = await flashOne(flash);
    client.reply = async () => {
      throw Object.assign(new Error("WRONGTYPE Operation against a key holding the wrong kind of value"), {
        name: "ReplyError",
      });
    };
    const jar = flash.open(fakeRequest(cookie));
    await jar.load();
    expect(jar.getFlashedMessages()).toEqual([]);
    expect(store.available).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/could not read messages: WRONGTYPE/)]);
  });

  it("listens to a client once however many stores share it, and close() detaches", () => {
    const client = new FakeClient();
    const stores = Array.from({ length: 12 }, () => redisStore({ client, secret: SECRET }));
    expect(client.listenerCount("error")).toBe(1);
    expect(client.listenerCount("ready")).toBe(1);
    for (const store of stores) store.close();
    expect(client.listenerCount("error")).toBe(0);
    expect(client.listenerCount("ready")).toBe(0);
  });

  it("measures the cookie and refuses a message over maxMessageBytes", () => {
    const { store } = setup({ maxMessageBytes: 10 });
    const entry = { id: "0".repeat(17), category: "message", message: "x", json: '["message","x"]' };
    expect(() => store.measure(entry)).toThrow(/too large for the redis store/);
    const { store: roomy } = setup();
    expect(roomy.measure(entry)).toBe("flash.".length + 17 + 1 + 32 + 1 + 43 + 2);
  });
});
