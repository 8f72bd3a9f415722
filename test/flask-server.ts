/**
 * The Flask reference app (test/fixtures/flask/reference-app.py) under Debian's Python and Flask
 * (`.ci/run` installs python3-flask), on a free port of 127.0.0.1. Without Flask a test fails under
 * CI (with what to install) and is skipped loudly elsewhere: use `describe.skipIf(!HAS_FLASK)`.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const PYTHON = process.env.FLASK_PYTHON ?? "/usr/bin/python3";
const APP = fileURLToPath(new URL("./fixtures/flask/reference-app.py", import.meta.url));

function findFlask(): boolean {
  if (spawnSync(PYTHON, ["-c", "import flask"]).status === 0) return true;
  const hint = `Flask is not installed for ${PYTHON}: apt-get install python3-flask (or set FLASK_PYTHON)`;
  if (process.env.CI) throw new Error(`the Flask reference tests cannot run: ${hint}`);
  console.warn(`\n!!! SKIPPING the Flask reference tests: ${hint} !!!\n`);
  return false;
}

/** Whether the Flask reference app can run here. Throws under CI when it cannot. */
export const HAS_FLASK: boolean = findFlask();

/** A running Flask reference app from {@link startFlaskServer}. */
export interface FlaskServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Stops the app and waits for it to exit. */
  close(): Promise<void>;
}

/**
 * Starts the Flask reference app on a port it picks, and resolves once it listens.
 *
 * @example
 * const flask = await startFlaskServer();
 * const transcript = await runScenarios(flask.url, scenarios);
 * await flask.close();
 */
export async function startFlaskServer(): Promise<FlaskServer> {
  const child = spawn(PYTHON, [APP, "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  // The app prints its URL once it listens.
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the Flask reference app did not start within 10 s: ${output}`)),
      10_000,
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n", 2);
      if (line.length < 2) return;
      clearTimeout(timer);
      resolve(line[0]!);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the Flask reference app exited (${code}): ${output}`));
    });
  });
  return {
    url,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
