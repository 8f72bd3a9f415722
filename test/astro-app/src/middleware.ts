import { defineMiddleware } from "astro:middleware";
import { cookieStore, createFlash, type FlashStore } from "flashkit";
import { createFlashMiddleware } from "flashkit/astro";
import { redisStore } from "flashkit/redis";
import { Redis } from "ioredis";

/** The protocol's store: the cookie store, or Redis at REDIS_URL when FLASHKIT_STORE=redis (`--store redis`). */
function conformanceStore(): FlashStore {
  const secret = process.env.FLASH_SECRET;
  if (process.env.FLASHKIT_STORE === "redis") {
    return redisStore({ client: new Redis(process.env.REDIS_URL ?? ""), secret, keyPrefix: "flashkit-conformance:" });
  }
  return cookieStore({ secret, maxBytes: 8192, maxAddedBytes: 4098 });
}

/** The conformance protocol's instance: Flask's limits, as createConformanceApp() sets them. */
const conformance = createFlashMiddleware(() =>
  createFlash({ store: conformanceStore(), maxMessages: 50, maxAddedMessages: 50 }),
);

/** The no-loss workload's instance: the defaults. */
const noLoss = createFlashMiddleware();

export const onRequest = defineMiddleware((context, next) => {
  const { pathname } = context.url;
  return pathname === "/read" || pathname.startsWith("/flash/") ? noLoss(context, next) : conformance(context, next);
});
