/**
 * Runs one of the repository's app scripts (scripts/next-app.js, scripts/sveltekit-app.js) in a child
 * Node process and resolves once it prints `<name>: running at <url>/`: the shape test/next-server.ts
 * and test/sveltekit-server.ts share.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StartedServer } from "../src/testing/index.js";

/** An app server of the tests: its URL, what it printed so far, and `close()`. */
export interface AppScriptServer extends Pick<StartedServer, "url" | "close"> {
  /** Everything the server wrote to stdout and stderr. */
  output(): string;
}

/**
 * Starts `node scripts/<name>.js ...args`; `env` is its environment over this process's (`undefined`
 * removes a variable). Rejects with what it printed when it exits before it listens.
 * @example
 * const server = await startAppScript("sveltekit-app", [dir], { FLASH_SECRET: "..." });
 * await fetch(`${server.url}/`);
 * await server.close();
 */
export function startAppScript(
  name: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<AppScriptServer> {
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [key, value] of Object.entries(environment)) if (value === undefined) delete environment[key];
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(new URL(`../scripts/${name}.js`, import.meta.url)), ...args],
    { env: environment, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const listening = new RegExp(`${name}: running at (http://[\\d.:]+)/`);
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk;
      const url = listening.exec(output)?.[1];
      if (url) resolve({ url, close, output: () => output });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (code) => reject(new Error(`${name} ${args.join(" ")} exited with ${code}:\n${output}`)));
  });
}
