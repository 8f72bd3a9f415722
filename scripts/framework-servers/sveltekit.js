// The Flask conformance protocol and the no-loss workload served by flashkit/sveltekit itself: the
// catch-all endpoint of test/sveltekit-app (`event.locals.flash` from flashkit's `handle`; the cookie
// store with Flask's limits for the protocol, the defaults for the workload), built with adapter-node
// when needed and served in this process. Loaded by scripts/conformance-server.js for `--adapter sveltekit`.
import { randomBytes } from "node:crypto";

/**
 * The stores this framework's server can serve: the protocol's store is picked when the server starts
 * (`FLASHKIT_STORE`; `redis` uses REDIS_URL), so one build serves both.
 */
export const stores = ["cookie", "redis"];

/** The apps (`--app`) it serves: one build holds both. */
export const apps = ["conformance", "no-loss"];

/**
 * Builds (when stale) and starts test/sveltekit-app.
 *
 * @param {{ store: string, app: string, port: number, secret?: string }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function start({ store, port, secret }) {
  process.env.FLASH_SECRET = secret ?? randomBytes(32).toString("hex");
  process.env.FLASHKIT_STORE = store;
  const { startSvelteKitApp } = await import("../sveltekit-app.js");
  return startSvelteKitApp(new URL("../../test/sveltekit-app", import.meta.url).pathname, { port });
}
