#!/usr/bin/env node
import { readdirSync } from "node:fs";
// Serves the Flask conformance protocol (POST /do, GET /health) on 127.0.0.1 for one adapter and
// store, over the built package:
//
//   npm run conformance -- --adapter express|fastify|koa|hono|fetch|react-router|next|nest|nest-fastify|... --store cookie|memory|session|redis
//                          [--runtime node|node22|node24|bun|deno|workerd] [--app conformance|no-loss]
//                          [--port N] [--secret S]
//
// A framework that serves the protocol itself from a built app has a module in
// scripts/framework-servers/NAME.js (`--adapter NAME`) saying which stores and apps it serves and
// starting it on Node: `--adapter next` (cookie store only) builds test/next-app when needed and serves
// it with Next.js.
// `--store redis` connects to REDIS_URL; `--store session` runs behind the framework's session
// middleware (express, fastify and koa). `--adapter react-router` flashes through the route's `request`,
// `--adapter react-router-middleware` through flashkit's React Router middleware. `--runtime` runs the
// server on that runtime (installed by scripts/runtimes.js), where Hono and fetch are served by
// Bun.serve / Deno.serve and the others by the runtime's node:http; `--runtime workerd` serves fetch or
// hono with the cookie store inside workerd (scripts/workerd/serve.js). `--app no-loss` serves the
// no-loss workload's routes instead.
//
// Then: node scripts/conformance/cli.js run --base URL --scenarios FILE --out got.json
import { cookieStore, memoryStore } from "flashkit";
import {
  CONFORMANCE_ADAPTERS,
  CONFORMANCE_STORES,
  closeConformanceStores,
  createConformanceApp,
  createNoLossApp,
  startServer,
} from "flashkit/testing";
import { RUNTIME_NAMES, runOnRuntime, runtimeHere, serveOnRuntime } from "./runtime-server.js";

const FRAMEWORK_SERVERS = new URL("./framework-servers/", import.meta.url);
/** The adapters whose framework serves the protocol itself: one module each in scripts/framework-servers/. */
const FRAMEWORK_SERVER_NAMES = readdirSync(FRAMEWORK_SERVERS)
  .filter((name) => name.endsWith(".js"))
  .map((name) => name.slice(0, -".js".length))
  .sort();

const USAGE =
  "usage: npm run conformance -- --adapter ADAPTER --store STORE [--port N] [--secret S]\n" +
  `  ADAPTER: ${[...CONFORMANCE_ADAPTERS, ...FRAMEWORK_SERVER_NAMES].join(" | ")}\n` +
  `  STORE:   ${CONFORMANCE_STORES.join(" | ")}\n` +
  `  --runtime ${[...RUNTIME_NAMES, "workerd"].join(" | ")} (default: the one running this script; workerd:\n` +
  "           fetch or hono with the cookie store, node scripts/workerd/install.js)\n" +
  "  --app    conformance (default) | no-loss (POST /flash/:id, GET /read; cookie or memory store)\n" +
  "  --port   0 (default) picks a free port; avoid ports fetch refuses (5060, 6000, 10080, ...)\n" +
  "  --secret the cookie store's signing secret, at least 32 bytes (default: random)";

/** @param {string} message */
function usage(message) {
  process.stderr.write(`conformance-server: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ adapter?: string, store?: string, port: number, secret?: string, runtime?: string, app: string }} */
  const args = { port: 0, app: "conformance" };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (key === "-h" || key === "--help") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const [name, inline] = key.startsWith("--") && key.includes("=") ? key.split(/=(.*)/s, 2) : [key, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) usage(`${name} needs a value`);
      return argv[++i];
    };
    if (name === "--adapter") args.adapter = value();
    else if (name === "--store") args.store = value();
    else if (name === "--secret") args.secret = value();
    else if (name === "--runtime") args.runtime = value();
    else if (name === "--app") args.app = value();
    else if (name === "--port") {
      const raw = value();
      const port = Number(raw);
      if (!/^\d+$/.test(raw) || port > 65_535) usage(`--port must be a number from 0 to 65535, got ${raw}`);
      args.port = port;
    } else usage(`unknown argument ${key}`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (!args.adapter) usage("--adapter is required");
const frameworkServer = FRAMEWORK_SERVER_NAMES.includes(args.adapter)
  ? await import(new URL(`${args.adapter}.js`, FRAMEWORK_SERVERS).href)
  : undefined;
if (!CONFORMANCE_ADAPTERS.includes(args.adapter) && !frameworkServer)
  usage(`unknown adapter ${JSON.stringify(args.adapter)}`);
if (!args.store) usage("--store is required");
if (!CONFORMANCE_STORES.includes(args.store)) usage(`unknown store ${JSON.stringify(args.store)}`);
if (args.runtime === "workerd") {
  if (args.app !== "conformance") usage("--runtime workerd serves the conformance app only");
  const { serveConformanceOnWorkerd } = await import("./workerd/serve.js");
  await serveConformanceOnWorkerd({ ...args, adapter: args.adapter, store: args.store });
}
if (args.runtime !== undefined && !RUNTIME_NAMES.includes(args.runtime)) {
  usage(`unknown runtime ${JSON.stringify(args.runtime)}`);
}
if (args.app !== "conformance" && args.app !== "no-loss") usage(`unknown app ${JSON.stringify(args.app)}`);
if (args.app === "no-loss" && args.store !== "cookie" && args.store !== "memory") {
  usage("--app no-loss takes --store cookie or memory");
}
if (frameworkServer) {
  if ((args.runtime ?? "node") !== "node") usage(`--adapter ${args.adapter} runs on Node only`);
  if (!frameworkServer.stores.includes(args.store)) {
    usage(`--adapter ${args.adapter} has the ${frameworkServer.stores.join(" or ")} store only`);
  }
  if (!frameworkServer.apps.includes(args.app)) {
    usage(`--adapter ${args.adapter} serves --app ${frameworkServer.apps.join(" or ")} only`);
  }
}
if (args.runtime !== undefined && args.runtime !== runtimeHere()) {
  process.exit(await runOnRuntime(args.runtime, new URL(import.meta.url), process.argv.slice(2)));
}

let server;
try {
  const secret = args.secret === undefined ? {} : { secret: args.secret };
  if (frameworkServer) {
    const options = { store: args.store, app: args.app, port: args.port, secret: args.secret };
    server = { ...(await frameworkServer.start(options)), runtime: "node" };
  } else {
    const app =
      args.app === "no-loss"
        ? await createNoLossApp(
            args.adapter,
            args.store === "cookie"
              ? cookieStore({ secret: args.secret ?? `${crypto.randomUUID()}${crypto.randomUUID()}` })
              : memoryStore(),
          )
        : await createConformanceApp({ adapter: args.adapter, store: args.store, ...secret });
    server = await serveOnRuntime(app, args.port, startServer);
  }
} catch (error) {
  process.stderr.write(`conformance-server: cannot start: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
process.stdout.write(
  `conformance-server: ${args.adapter} + ${args.store} store${args.app === "no-loss" ? " (no-loss app)" : ""} ` +
    `on ${server.runtime}, ${server.url}\n`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    server
      .close()
      .then(closeConformanceStores)
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
