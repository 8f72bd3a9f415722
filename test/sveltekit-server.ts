/**
 * The SvelteKit apps of the tests (test/sveltekit-app, examples/sveltekit), built with adapter-node
 * by scripts/sveltekit-app.js and served by it in a child process. A build runs only when the app
 * or dist/ changed since the last one (a source hash).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildSvelteKitApp } from "../scripts/sveltekit-app.js";
import type { StartedServer } from "../src/testing/index.js";

/** The repository's SvelteKit apps. */
export const SVELTEKIT_APPS = {
  conformance: fileURLToPath(new URL("./sveltekit-app", import.meta.url)),
  example: fileURLToPath(new URL("../examples/sveltekit", import.meta.url)),
} as const;

/** How long a test may wait for a build (two cores shared with other work). */
export const SVELTEKIT_BUILD_TIMEOUT = 300_000;

/** A SvelteKit server of the tests: its URL, what it printed so far, and `close()`. */
export interface SvelteKitServer extends Pick<StartedServer, "url" | "close"> {
  output(): string;
}

/** Builds `dir` if needed; resolves with the seconds the build took (0 when the last build is current). */
export function buildSvelteKit(dir: string): Promise<number> {
  return buildSvelteKitApp(dir);
}

/**
 * Starts `node scripts/sveltekit-app.js dir` on a free port (NODE_ENV=production) and resolves once it
 * answers. `env` is its environment over this process's (`undefined` removes a variable).
 */
export function startSvelteKit(dir: string, env: Record<string, string | undefined> = {}): Promise<SvelteKitServer> {
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [name, value] of Object.entries(environment)) if (value === undefined) delete environment[name];
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(new URL("../scripts/sveltekit-app.js", import.meta.url)), dir],
    { env: environment, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk;
      const url = /sveltekit-app: running at (http:\/\/[\d.:]+)\//.exec(output)?.[1];
      if (url) resolve({ url, close, output: () => output });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code) => reject(new Error(`sveltekit-app ${dir} exited with ${code}:\n${output}`)));
  });
}
