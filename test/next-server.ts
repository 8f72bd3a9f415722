/**
 * The Next.js apps of the tests (test/next-app, examples/next), built and served by
 * scripts/next-app.js in a child process: `next start` (in that process), the standalone build's
 * server.js, or `next dev`. A build runs only when the app or dist/ changed since the last one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildNextApp } from "../scripts/next-app.js";
import type { StartedServer } from "../src/testing/index.js";

/** The repository's Next.js apps. */
export const NEXT_APPS = {
  conformance: fileURLToPath(new URL("./next-app", import.meta.url)),
  example: fileURLToPath(new URL("../examples/next", import.meta.url)),
} as const;

/** How long a test may wait for a Next build (two cores shared with other work). */
export const NEXT_BUILD_TIMEOUT = 600_000;

/** A Next server of the tests: its URL, what it printed so far, and `close()`. */
export interface NextServer extends Pick<StartedServer, "url" | "close"> {
  /** Everything the server wrote to stdout and stderr. */
  output(): string;
}

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
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [name, value] of Object.entries(environment)) if (value === undefined) delete environment[name];
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(new URL("../scripts/next-app.js", import.meta.url)), dir, "--mode", mode],
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
      const url = /next-app: running at (http:\/\/[\d.:]+)\//.exec(output)?.[1];
      if (url) resolve({ url, close, output: () => output });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code) => reject(new Error(`next-app ${dir} (${mode}) exited with ${code}:\n${output}`)));
  });
}
