import { cookieStore, createFlash, type FlashStore } from "flashkit";
import { redisStore } from "flashkit/redis";
import { createSvelteKitFlash } from "flashkit/sveltekit";
import { Redis } from "ioredis";

/** The protocol's store: the cookie store, or Redis at REDIS_URL when FLASHKIT_STORE=redis (`--store redis`). */
function conformanceStore(): FlashStore {
  const secret = process.env.FLASH_SECRET;
  if (process.env.FLASHKIT_STORE === "redis") {
    return redisStore({ client: new Redis(process.env.REDIS_URL ?? ""), secret, keyPrefix: "flashkit-conformance:" });
  }
  return cookieStore({ secret, maxBytes: 8192, maxAddedBytes: 4098 });
}

/** The conformance protocol's hook: Flask's limits, as createConformanceApp() sets them. */
export const conformance = createSvelteKitFlash(
  createFlash({ store: conformanceStore(), maxMessages: 50, maxAddedMessages: 50 }),
);

/** The no-loss workload's hook: the defaults (FLASH_SECRET, the signed-cookie store). */
export const noLoss = createSvelteKitFlash();
