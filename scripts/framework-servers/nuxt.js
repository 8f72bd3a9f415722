// The Flask conformance protocol served by flashkit/nuxt itself: Nitro server routes of test/nuxt-app
// (flashkit/nuxt's middleware, read through flashkit/h3), built when needed with `nuxi build` and run
// on Node 22 (.runtimes/, `node scripts/runtimes.js install node22`). Loaded by
// scripts/conformance-server.js for `--adapter nuxt`; `--app no-loss` serves the no-loss routes over
// the default cookie store.
import { randomBytes } from "node:crypto";

/**
 * The stores this framework's server can serve: the protocol's store is picked when the server starts
 * (`FLASHKIT_STORE`; `redis` uses REDIS_URL), so one build serves both.
 */
export const stores = ["cookie", "redis"];

/** The apps (`--app`) it serves. */
export const apps = ["conformance", "no-loss"];

/**
 * Builds (when stale) and starts test/nuxt-app.
 *
 * @param {{ store: string, app: string, port: number, secret?: string }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function start({ store, app, port, secret }) {
  const { startNuxtApp } = await import("../nuxt-app.js");
  return startNuxtApp(new URL("../../test/nuxt-app", import.meta.url).pathname, {
    port,
    env: { FLASH_SECRET: secret ?? randomBytes(32).toString("hex"), FLASHKIT_APP: app, FLASHKIT_STORE: store },
  });
}
