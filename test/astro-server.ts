/**
 * The Astro apps of the tests (test/astro-app, examples/astro), built by scripts/astro-app.js when
 * their files or dist/ changed, and served by the Node adapter's standalone server in a child process.
 */
import { fileURLToPath } from "node:url";
import { buildAstroApp, startAstroApp } from "../scripts/astro-app.js";
import type { StartedServer } from "../src/testing/index.js";

/** The repository's Astro apps. */
export const ASTRO_APPS = {
  protocol: fileURLToPath(new URL("./astro-app", import.meta.url)),
  example: fileURLToPath(new URL("../examples/astro", import.meta.url)),
} as const;

/** How long a test may wait for an Astro build (two cores shared with other work). */
export const ASTRO_BUILD_TIMEOUT = 300_000;

/** Builds `dir` if needed and resolves with the seconds the build took (0 when the last build is current). */
export function buildAstro(dir: string, options: { env?: Record<string, string | undefined> } = {}): Promise<number> {
  return buildAstroApp(dir, options);
}

/** An Astro server of the tests: its URL, what it printed so far, and `close()`. */
export interface AstroServer extends Pick<StartedServer, "url" | "close"> {
  /** Everything the server wrote to stdout and stderr. */
  output(): string;
}

/**
 * Starts the standalone server of `dir` (or `astro dev` with `mode: "dev"`) on a free port; `env` over
 * this process's (`undefined` removes a variable).
 */
export function startAstro(
  dir: string,
  options: { env?: Record<string, string | undefined>; mode?: "prod" | "dev" } = {},
): Promise<AstroServer> {
  return startAstroApp(dir, options);
}
