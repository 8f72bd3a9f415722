/**
 * The SvelteKit apps of the tests (test/sveltekit-app, examples/sveltekit), built with adapter-node
 * by scripts/sveltekit-app.js and served by it in a child process. A build runs only when the app
 * or dist/ changed since the last one (a source hash).
 */
import { fileURLToPath } from "node:url";
import { buildSvelteKitApp } from "../scripts/sveltekit-app.js";
import { type AppScriptServer, startAppScript } from "./app-script-server.js";

/** The repository's SvelteKit apps. */
export const SVELTEKIT_APPS = {
  conformance: fileURLToPath(new URL("./sveltekit-app", import.meta.url)),
  example: fileURLToPath(new URL("../examples/sveltekit", import.meta.url)),
} as const;

/** How long a test may wait for a build (two cores shared with other work). */
export const SVELTEKIT_BUILD_TIMEOUT = 300_000;

/** A SvelteKit server of the tests: its URL, what it printed so far, and `close()`. */
export type SvelteKitServer = AppScriptServer;

/** Builds `dir` if needed; resolves with the seconds the build took (0 when the last build is current). */
export function buildSvelteKit(dir: string): Promise<number> {
  return buildSvelteKitApp(dir);
}

/**
 * Starts `node scripts/sveltekit-app.js dir` on a free port (NODE_ENV=production) and resolves once it
 * answers. `env` is its environment over this process's (`undefined` removes a variable).
 */
export function startSvelteKit(dir: string, env: Record<string, string | undefined> = {}): Promise<SvelteKitServer> {
  return startAppScript("sveltekit-app", [dir], env);
}
