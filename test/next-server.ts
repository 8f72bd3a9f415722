/**
 * The Next.js apps of the tests (test/next-app, examples/next), built and served by
 * scripts/next-app.js in a child process: `next start` (in that process), the standalone build's
 * server.js, or `next dev`. A build runs only when the app or dist/ changed since the last one.
 */
import { fileURLToPath } from "node:url";
import { buildNextApp } from "../scripts/next-app.js";
import { type AppScriptServer, startAppScript } from "./app-script-server.js";

/** The repository's Next.js apps. */
export const NEXT_APPS = {
  conformance: fileURLToPath(new URL("./next-app", import.meta.url)),
  example: fileURLToPath(new URL("../examples/next", import.meta.url)),
} as const;

/** How long a test may wait for a Next build (two cores shared with other work). */
export const NEXT_BUILD_TIMEOUT = 600_000;

/** A Next server of the tests: its URL, what it printed so far, and `close()`. */
export type NextServer = AppScriptServer;

/**
 * Builds `dir` if needed (`standalone` for an `output: "standalone"` build) and resolves with the
 * seconds the build took (0 when the last build is current). `env` is the build's environment
 * over this process's (`undefined` removes a variable).
 */
export function buildNext(
  dir: string,
  options: { standalone?: boolean; env?: Record<string, string | undefined> } = {},
): Promise<number> {
  return buildNextApp(dir, options);
}

/**
 * Starts `node scripts/next-app.js dir --mode mode` on a free port and resolves once it answers.
 * `env` is its environment over this process's (`undefined` removes a variable).
 */
export function startNext(
  dir: string,
  { mode = "prod", env = {} }: { mode?: "prod" | "dev" | "standalone"; env?: Record<string, string | undefined> } = {},
): Promise<NextServer> {
  return startAppScript("next-app", [dir, "--mode", mode], env);
}
