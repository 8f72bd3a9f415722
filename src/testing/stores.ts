/**
 * The stores the conformance app can run on, one entry each (`redis` connects to `REDIS_URL`). A
 * new store adds one entry here and, if it needs them, one option field in `ConformanceStoreOptions`.
 */
import type { FlashStore, MaybePromise } from "../core/types.js";
import { cookieStore } from "../stores/cookie.js";
import { memoryStore } from "../stores/memory.js";
import { type RedisStore, redisStore } from "../stores/redis.js";
import { sessionStore } from "../stores/session.js";
import type { FlashSecret } from "../stores/shared.js";
import { CONFORMANCE_LIMITS } from "./protocol.js";

/** What a store factory gets from `createConformanceApp()`. */
export interface ConformanceStoreOptions {
  /** The cookie signing secret; a random one (silently) when absent. */
  readonly secret?: FlashSecret | readonly FlashSecret[] | undefined;
}

/** Makes one fresh store for one conformance app. */
export type ConformanceStoreFactory = (options: ConformanceStoreOptions) => MaybePromise<FlashStore>;

/** A random 32-byte secret in hex, so a test app never needs one and never warns. */
function randomSecret(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Redis clients opened by the `redis` entry, each with the store that uses it. */
const openedRedis = new Set<{ quit(): Promise<unknown>; store: RedisStore }>();

/**
 * The `redis` entry: an ioredis client on `REDIS_URL` (ioredis is imported only here). Its socket is
 * unref'd, so an idle client never keeps a process alive; {@link closeConformanceStores} quits it.
 *
 * @throws {TypeError} when `REDIS_URL` is not set or ioredis is not installed.
 */
async function conformanceRedisStore({ secret }: ConformanceStoreOptions): Promise<RedisStore> {
  const url = globalThis.process?.env?.REDIS_URL;
  if (!url) {
    throw new TypeError(
      "the redis store needs REDIS_URL, the Redis to use: e.g. REDIS_URL=redis://127.0.0.1:6379 " +
        "npm run conformance -- --adapter express --store redis",
    );
  }
  let Redis: typeof import("ioredis").Redis;
  try {
    ({ Redis } = await import("ioredis"));
  } catch (cause) {
    throw new TypeError("the redis store of flashkit/testing needs the ioredis package: npm install ioredis", {
      cause,
    });
  }
  const client = new Redis(url);
  const unref = () => (client.stream as { unref?: () => void } | undefined)?.unref?.();
  client.on("connect", unref);
  unref();
  const store = redisStore({ client, secret: secret ?? randomSecret(), keyPrefix: "flashkit-conformance:" });
  openedRedis.add({ quit: () => client.quit(), store });
  return store;
}

/**
 * Closes what the built-in store factories opened (the `redis` entry's clients), so a test or
 * script that used them can end cleanly.
 *
 * @example
 * afterAll(() => closeConformanceStores());
 */
export async function closeConformanceStores(): Promise<void> {
  const opened = [...openedRedis];
  openedRedis.clear();
  await Promise.all(
    opened.map(({ quit, store }) => {
      store.close();
      return quit().catch(() => undefined);
    }),
  );
}

/** The built-in stores by name. */
export const conformanceStores = {
  cookie: ({ secret }) => cookieStore({ secret: secret ?? randomSecret(), ...CONFORMANCE_LIMITS.cookie }),
  memory: () => memoryStore(),
  redis: conformanceRedisStore,
  session: () => sessionStore(),
} satisfies Record<string, ConformanceStoreFactory>;

/** The name of a built-in store. */
export type ConformanceStoreName = keyof typeof conformanceStores;
