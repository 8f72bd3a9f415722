// The Flask conformance protocol (and the no-loss workload) served by flashkit/astro itself: the
// endpoints of test/astro-app behind flashkit's middleware (the cookie store, Flask's limits for the
// protocol), built when needed and run with the Node adapter's standalone server. Loaded by
// scripts/conformance-server.js for `--adapter astro`.
import { randomBytes } from "node:crypto";

/**
 * The stores this framework's server can serve: the protocol's store is picked when the server starts
 * (`FLASHKIT_STORE`; `redis` uses REDIS_URL), so one build serves both.
 */
export const stores = ["cookie", "redis"];

/** The apps (`--app`) it serves: both live in test/astro-app (`/do`, `/health`; `/flash/:id`, `/read`). */
export const apps = ["conformance", "no-loss"];

/**
 * Builds (when stale) and starts test/astro-app.
 *
 * @param {{ store: string, app: string, port: number, secret?: string }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function start({ store, port, secret }) {
  const { startAstroApp } = await import("../astro-app.js");
  return startAstroApp(new URL("../../test/astro-app", import.meta.url).pathname, {
    port,
    echo: true,
    env: { FLASH_SECRET: secret ?? randomBytes(32).toString("hex"), FLASHKIT_STORE: store },
  });
}
