// The Flask conformance protocol served by flashkit/next itself: the route handlers of test/next-app
// (`withFlash()` around each, the cookie store with Flask's limits), built when needed and run with
// `next start` in this process. Loaded by scripts/conformance-server.js for `--adapter next`.
import { randomBytes } from "node:crypto";

/** The stores this framework's server can serve. */
export const stores = ["cookie"];

/** The apps (`--app`) it serves. */
export const apps = ["conformance"];

/**
 * Builds (when stale) and starts test/next-app.
 *
 * @param {{ store: string, app: string, port: number, secret?: string }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function start({ port, secret }) {
  process.env.FLASH_SECRET = secret ?? randomBytes(32).toString("hex");
  const { startNextApp } = await import("../next-app.js");
  return startNextApp(new URL("../../test/next-app", import.meta.url).pathname, { port });
}
