// The runtime plumbing of scripts/conformance-server.js: which runtime runs this process, re-running
// the script on another one (installed by scripts/runtimes.js), and serving an app the way that
// runtime serves it.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { requireRuntime } from "./runtimes.js";

/** The runtimes `--runtime` takes: `node` is the Node running the script, the others come from .runtimes/. */
export const RUNTIME_NAMES = ["node", "node22", "node24", "bun", "deno"];

/** `"bun"`, `"deno"` or `"node"`: the runtime running this process. */
export function runtimeHere() {
  if (globalThis.Bun) return "bun";
  if (globalThis.Deno) return "deno";
  return "node";
}

/**
 * Runs `script` with `argv` (less its `--runtime`) on runtime `name`, passing stdio through and
 * SIGINT/SIGTERM on, and resolves to its exit code.
 * @param {string} name one of RUNTIME_NAMES
 * @param {URL} script
 * @param {string[]} argv
 * @returns {Promise<number>}
 */
export function runOnRuntime(name, script, argv) {
  const rest = argv.filter(
    (arg, i) => arg !== "--runtime" && argv[i - 1] !== "--runtime" && !arg.startsWith("--runtime="),
  );
  const binary = name === "node" ? process.execPath : requireRuntime(name);
  // Deno asks for permissions: the server listens, reads the package and its env (REDIS_URL, NODE_ENV).
  const prefix = name === "deno" ? ["run", "--allow-net", "--allow-read", "--allow-env", "--allow-sys"] : [];
  const child = spawn(binary, [...prefix, fileURLToPath(script), ...rest], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`conformance-server: cannot run ${binary}: ${error.message}\n`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * @typedef {object} RuntimeServer
 * @property {string} url `http://127.0.0.1:PORT`
 * @property {string} runtime what serves it, e.g. `bun 1.4.5 (Bun.serve)`
 * @property {() => Promise<void>} close
 */

/**
 * Serves `app` on 127.0.0.1: a Web handler (`app.fetch`, Hono and fetch) with Bun.serve on Bun and
 * Deno.serve on Deno, anything else with `startServer` (node:http, or the runtime's implementation of it).
 * @param {import("flashkit/testing").ConformanceApp} app
 * @param {number} port
 * @param {typeof import("flashkit/testing").startServer} startServer
 * @returns {Promise<RuntimeServer>}
 */
export async function serveOnRuntime(app, port, startServer) {
  const here = runtimeHere();
  if (app.fetch && here === "bun") {
    const server = globalThis.Bun.serve({ hostname: "127.0.0.1", port, fetch: app.fetch });
    return {
      url: `http://127.0.0.1:${server.port}`,
      runtime: `bun ${globalThis.Bun.version} (Bun.serve)`,
      close: () => server.stop(true),
    };
  }
  if (app.fetch && here === "deno") {
    const server = globalThis.Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, app.fetch);
    return {
      url: `http://127.0.0.1:${server.addr.port}`,
      runtime: `deno ${globalThis.Deno.version.deno} (Deno.serve)`,
      close: () => server.shutdown(),
    };
  }
  const server = await startServer(app, port);
  const version =
    here === "bun" ? globalThis.Bun.version : here === "deno" ? globalThis.Deno.version.deno : process.versions.node;
  return { url: server.url, runtime: `${here} ${version} (node:http)`, close: () => server.close() };
}
