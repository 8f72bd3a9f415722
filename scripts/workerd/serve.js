#!/usr/bin/env node
// Serves flashkit inside workerd, Cloudflare's Workers runtime: scripts/workerd/worker.ts bundled by
// esbuild for the Workers platform (no `node:` import resolves there, so the build fails on one),
// served on 127.0.0.1 by a generated workerd config. The Worker speaks the Flask conformance protocol
// and serves the no-loss workload's routes through the Fetch or the Hono adapter, with the cookie
// store on Web Crypto and its secret from the FLASH_SECRET binding, with no compatibility flag (so
// no `nodejs_compat`: no `process`, no `node:` modules).
//
//   npm run conformance -- --adapter fetch|hono --runtime workerd --store cookie [--port N] [--secret S]
//
// Needs workerd: node scripts/workerd/install.js.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { workerdBinary } from "./install.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The Workers compatibility date the Worker runs under: the last before `nodejs_compat` became the
 * default (2026-08-04), so with {@link COMPATIBILITY_FLAGS} the Worker has no `process` and no `node:`
 * module at all. (The pinned workerd supports dates up to 2026-11-23.)
 */
export const COMPATIBILITY_DATE = "2026-08-03";

/** The Worker's compatibility flags: none, so no `nodejs_compat`. */
export const COMPATIBILITY_FLAGS = /** @type {readonly string[]} */ ([]);

/** The adapters the Worker can serve. */
export const WORKERD_ADAPTERS = /** @type {const} */ (["fetch", "hono"]);

/**
 * Bundles the Worker as wrangler does (esbuild, ESM, the `workerd`/`worker`/`browser` export
 * conditions, so `#signing` is the Web Crypto build). Fails on any `node:` or Node built-in import.
 * @returns {Promise<string>} the bundle's code
 */
export async function bundleWorker() {
  const result = await build({
    entryPoints: [join(HERE, "worker.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    conditions: ["flashkit-source", "workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    target: "es2022",
    logLevel: "silent",
  });
  return /** @type {{ text: string }} */ (result.outputFiles[0]).text;
}

/**
 * @typedef {object} StartWorkerdOptions
 * @property {string} code the Worker's bundle (an ES module)
 * @property {Readonly<Record<string, string>>} [bindings] text bindings, the Worker's `env`
 * @property {number} [port] the port on 127.0.0.1; 0 (default) picks a free one
 * @property {string} [compatibilityDate] (default {@link COMPATIBILITY_DATE})
 * @property {readonly string[]} [compatibilityFlags] (default {@link COMPATIBILITY_FLAGS})
 */

/**
 * @typedef {object} WorkerdServer
 * @property {string} url `http://127.0.0.1:PORT`
 * @property {number} port
 * @property {() => string} output what workerd printed (its stderr and stdout, the last 20,000 characters)
 * @property {() => Promise<void>} close stops workerd and removes its files
 * @property {Promise<number | null>} exited settles when workerd exits, with its exit code
 */

/**
 * Starts workerd serving one Worker on 127.0.0.1, and resolves once it listens (the port comes from
 * workerd's control fd).
 * @param {StartWorkerdOptions} options
 * @returns {Promise<WorkerdServer>}
 */
export async function startWorkerd({
  code,
  bindings = {},
  port = 0,
  compatibilityDate = COMPATIBILITY_DATE,
  compatibilityFlags = COMPATIBILITY_FLAGS,
}) {
  const dir = mkdtempSync(join(tmpdir(), "flashkit-workerd-"));
  const text = Object.entries(bindings).map(
    ([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`,
  );
  writeFileSync(join(dir, "worker.js"), code);
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = ${JSON.stringify(compatibilityDate)},
  compatibilityFlags = [${compatibilityFlags.map((flag) => JSON.stringify(flag)).join(", ")}],
  bindings = [${text.join(", ")}],
);
`,
  );

  const child = spawn(workerdBinary(), ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  let output = "";
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = /** @type {Promise<number | null>} */ (new Promise((done) => child.once("exit", done)));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });

  try {
    const listening = await new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`workerd did not listen within 10 s: ${output}`)), 10_000);
      let control = "";
      /** @type {import("node:stream").Readable} */ (child.stdio[3]).on("data", (chunk) => {
        control += chunk.toString();
        for (const line of control.split("\n").slice(0, -1)) {
          const event = JSON.parse(line);
          if (event.event === "listen" && event.socket === "http") {
            clearTimeout(timer);
            done(event.port);
          }
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        fail(error);
      });
      child.once("exit", (status) => {
        clearTimeout(timer);
        fail(new Error(`workerd exited (${status}) during start-up: ${output}`));
      });
    });
    return {
      url: `http://127.0.0.1:${listening}`,
      port: /** @type {number} */ (listening),
      output: () => output,
      exited,
      async close() {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
        cleanUp();
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    cleanUp();
    throw error;
  }
}

/**
 * @typedef {object} ConformanceWorkerOptions
 * @property {"fetch" | "hono"} [adapter] the adapter the Worker serves through (default "fetch")
 * @property {number} [port] the port on 127.0.0.1; 0 (default) picks a free one
 * @property {string | null} [secret] the FLASH_SECRET binding; null gives the Worker none (default: random)
 * @property {string} [compatibilityDate] (default {@link COMPATIBILITY_DATE})
 * @property {readonly string[]} [compatibilityFlags] (default {@link COMPATIBILITY_FLAGS})
 * @property {string} [code] the bundle, when already built (default: {@link bundleWorker})
 */

/**
 * Starts workerd serving scripts/workerd/worker.ts: the conformance protocol and the no-loss routes
 * through `adapter`, signing with the FLASH_SECRET binding.
 * @param {ConformanceWorkerOptions} [options]
 * @returns {Promise<WorkerdServer>}
 */
export async function startConformanceWorker(options = {}) {
  const { adapter = "fetch", port = 0, compatibilityDate, compatibilityFlags } = options;
  if (!WORKERD_ADAPTERS.includes(adapter)) {
    throw new TypeError(`workerd serves ${WORKERD_ADAPTERS.join(" or ")}, not ${JSON.stringify(adapter)}`);
  }
  const secret = options.secret === undefined ? randomBytes(32).toString("hex") : options.secret;
  /** @type {Record<string, string>} */
  const bindings = { FLASHKIT_ADAPTER: adapter };
  if (secret !== null) bindings.FLASH_SECRET = secret;
  return startWorkerd({
    code: options.code ?? (await bundleWorker()),
    bindings,
    port,
    ...(compatibilityDate ? { compatibilityDate } : {}),
    ...(compatibilityFlags ? { compatibilityFlags } : {}),
  });
}

/**
 * `npm run conformance -- --runtime workerd ...`: serves the conformance Worker until SIGINT/SIGTERM
 * (then exits 0) or until workerd dies (then exits 1); never returns.
 * Only the cookie store: the memory store would live in one isolate, and Redis and sessions do not
 * apply to a Worker.
 * @param {{ adapter: string, store: string, port: number, secret?: string }} args
 */
export async function serveConformanceOnWorkerd({ adapter, store, port, secret }) {
  const fail = (/** @type {string} */ message) => {
    process.stderr.write(`conformance-server: ${message}\n`);
    process.exit(2);
  };
  if (!WORKERD_ADAPTERS.includes(/** @type {"fetch"} */ (adapter))) {
    fail(`--runtime workerd serves --adapter ${WORKERD_ADAPTERS.join(" or ")}, not ${adapter}`);
  }
  if (store !== "cookie") fail(`--runtime workerd serves --store cookie only, not ${store}`);
  let server;
  try {
    server = await startConformanceWorker({
      adapter: /** @type {"fetch" | "hono"} */ (adapter),
      port,
      ...(secret === undefined ? {} : { secret }),
    });
  } catch (error) {
    process.stderr.write(
      `conformance-server: cannot start workerd: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`conformance-server: ${adapter} + cookie store in workerd on ${server.url}\n`);
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      stopping = true;
      server.close().then(() => process.exit(0));
    });
  }
  const status = await server.exited;
  if (stopping) return new Promise(() => {});
  process.stderr.write(`conformance-server: workerd exited (${status}): ${server.output()}\n`);
  process.exit(1);
}
