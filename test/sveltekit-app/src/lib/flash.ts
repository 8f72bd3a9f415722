import { cookieStore, createFlash } from "flashkit";
import { createSvelteKitFlash } from "flashkit/sveltekit";

/** The conformance protocol's hook: Flask's limits, as createConformanceApp() sets them. */
export const conformance = createSvelteKitFlash(
  createFlash({
    store: cookieStore({ secret: process.env.FLASH_SECRET, maxBytes: 8192, maxAddedBytes: 4098 }),
    maxMessages: 50,
    maxAddedMessages: 50,
  }),
);

/** The no-loss workload's hook: the defaults (FLASH_SECRET, the signed-cookie store). */
export const noLoss = createSvelteKitFlash();
