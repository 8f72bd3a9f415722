import { cookieStore, createFlash, type FlashStore } from "flashkit";
import { createH3Flash } from "flashkit/h3";
import { redisStore } from "flashkit/redis";
import { CONFORMANCE_LIMITS } from "flashkit/testing/protocol";
import { Redis } from "ioredis";

/** The protocol's store: the cookie store, or Redis at REDIS_URL when FLASHKIT_STORE=redis (`--store redis`). */
function conformanceStore(): FlashStore {
  const secret = process.env.FLASH_SECRET;
  if (process.env.FLASHKIT_STORE === "redis") {
    return redisStore({ client: new Redis(process.env.REDIS_URL ?? ""), secret, keyPrefix: "flashkit-conformance:" });
  }
  return cookieStore({ secret, ...CONFORMANCE_LIMITS.cookie });
}

/** The conformance protocol's instance (Flask's limits, as createConformanceApp() sets them), or the defaults for the no-loss workload. */
export default process.env.FLASHKIT_APP === "no-loss"
  ? createH3Flash()
  : createH3Flash(createFlash({ store: conformanceStore(), ...CONFORMANCE_LIMITS.flash }));
