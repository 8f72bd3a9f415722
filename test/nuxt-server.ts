/**
 * The Nuxt 4 apps of the tests (test/nuxt-app, examples/nuxt), built by scripts/nuxt-app.js with
 * `nuxi build` on Node 22 (only when the app or dist/ changed since the last build) and served by
 * their built server (.output/server/index.mjs) on Node 22.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildNuxtApp, startNuxtApp } from "../scripts/nuxt-app.js";
import { runtimeBinary } from "../scripts/runtimes.js";
import type { StartedServer } from "../src/testing/index.js";

/** The repository's Nuxt apps. */
export const NUXT_APPS = {
  conformance: fileURLToPath(new URL("./nuxt-app", import.meta.url)),
  example: fileURLToPath(new URL("../examples/nuxt", import.meta.url)),
} as const;

/** How long a test may wait for a Nuxt build (two cores shared with other work). */
export const NUXT_BUILD_TIMEOUT = 300_000;

/**
 * Whether Node 22 (which Nuxt 4 needs) is installed in .runtimes/; under CI its absence fails the
 * suite with what to run, elsewhere the Nuxt tests are skipped with a loud notice.
 */
export function hasNode22(): boolean {
  if (existsSync(runtimeBinary("node22"))) return true;
  const message = "Node 22 (for Nuxt 4) is not installed: run node scripts/runtimes.js install node22";
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! SKIPPING NUXT TESTS: ${message}\n`);
  return false;
}

/** Builds `dir` if needed; resolves with the seconds the build took (0 when the last build is current). */
export function buildNuxt(dir: string, options: { env?: Record<string, string | undefined> } = {}): Promise<number> {
  return buildNuxtApp(dir, options);
}

/** Starts the built server of `dir` on a free port; `env` is its environment over this process's. */
export function startNuxt(
  dir: string,
  { env = {} }: { env?: Record<string, string | undefined> } = {},
): Promise<Pick<StartedServer, "url" | "close">> {
  return startNuxtApp(dir, { env });
}
