/**
 * `createConformanceApp()`: one app speaking the conformance protocol, for any adapter × store.
 */
import { createFlash } from "../core/create-flash.js";
import type { FlashStore } from "../core/types.js";
import type { FlashSecret } from "../stores/shared.js";
import { type TestAppName, testApps } from "./apps/index.js";
import type { FetchHandler, NodeHandler, TestApp, TestAppContext } from "./apps/routes.js";
import { CONFORMANCE_LIMITS, CONFORMANCE_NOT_FOUND, CONFORMANCE_ROUTES } from "./protocol.js";
import { type ConformanceStoreName, conformanceStores } from "./stores.js";

/** The name of a built-in adapter. */
export type ConformanceAdapterName = TestAppName;

/** Names of the built-in adapters, for usage messages. */
export const CONFORMANCE_ADAPTERS = Object.keys(testApps) as readonly ConformanceAdapterName[];
/** The adapters whose conformance app installs a session middleware for the session store. */
export const SESSION_ADAPTERS: readonly ConformanceAdapterName[] = ["express", "fastify", "koa", "nest"];
/** Names of the built-in stores, for usage messages. */
export const CONFORMANCE_STORES = Object.keys(conformanceStores) as readonly ConformanceStoreName[];

/** Options of {@link createConformanceApp}. */
export interface ConformanceAppOptions {
  /** The framework adapter. */
  adapter: ConformanceAdapterName;
  /**
   * A built-in store by name, or a store of your own (a fresh one: the app owns it), to run the Flask
   * conformance scenarios against it.
   * @default "cookie"
   */
  store?: ConformanceStoreName | FlashStore;
  /** The cookie store's signing secret (at least 32 bytes). @default a random secret */
  secret?: FlashSecret | readonly FlashSecret[];
  /**
   * The framework module to use instead of `import("<adapter>")`: for another major version
   * installed under an alias.
   * @example framework: (await import("express4")).default
   */
  framework?: unknown;
}

/**
 * A Node request listener speaking the conformance protocol; pass it to `startServer()` or
 * `http.createServer()`. The Hono and fetch apps also carry `fetch`, the same app as a Web handler,
 * for `Bun.serve({ fetch: app.fetch })` or `Deno.serve(app.fetch)`.
 */
export type ConformanceApp = NodeHandler & { readonly fetch?: FetchHandler };

/**
 * Builds an app that speaks the conformance protocol: `POST /do` with `{"ops": [...]}` runs every op
 * inside one request and answers `{"results": [...]}`; `GET /health` answers `ok` and touches no
 * state; a bad body is a `400` with `{"error"}`. The framework is imported only here, so
 * `flashkit/testing` does not require it.
 *
 * @throws {TypeError} for an unknown adapter or store name.
 * @example
 * import { createConformanceApp, startServer } from "flashkit/testing";
 *
 * const app = await createConformanceApp({ adapter: "express", store: "memory" });
 * const server = await startServer(app);
 * const res = await fetch(`${server.url}/do`, {
 *   method: "POST",
 *   body: JSON.stringify({ ops: [{ op: "flash", message: "hi" }, { op: "get" }] }),
 * });
 * console.log(await res.json()); // { results: [null, ["hi"]] }
 * await server.close();
 */
export async function createConformanceApp(options: ConformanceAppOptions): Promise<ConformanceApp> {
  const { adapter, store = "cookie", secret, framework } = options;
  if (!Object.hasOwn(testApps, adapter)) {
    throw new TypeError(`unknown adapter ${JSON.stringify(adapter)}: use one of ${CONFORMANCE_ADAPTERS.join(", ")}`);
  }
  let flashStore: FlashStore;
  if (typeof store === "string") {
    if (!Object.hasOwn(conformanceStores, store)) {
      throw new TypeError(`unknown store ${JSON.stringify(store)}: use one of ${CONFORMANCE_STORES.join(", ")}`);
    }
    flashStore = await conformanceStores[store]({ secret });
  } else {
    flashStore = store;
  }
  if (flashStore.usesSession && !SESSION_ADAPTERS.includes(adapter)) {
    throw new TypeError(
      `the session store needs a session middleware, and the ${adapter} conformance app has none: use ${SESSION_ADAPTERS.join(", ")}`,
    );
  }
  return buildConformanceApp(adapter, {
    flash: createFlash({ store: flashStore, ...CONFORMANCE_LIMITS.flash }),
    framework,
    session: flashStore.usesSession === true,
  });
}

/**
 * The conformance app of `adapter` over a flashkit instance of your own (any limits): the test app of
 * that framework serving the protocol's routes.
 */
export async function buildConformanceApp(
  adapter: ConformanceAdapterName,
  context: Omit<TestAppContext, "routes" | "notFound">,
): Promise<ConformanceApp> {
  const app = await testApps[adapter]({ ...context, routes: CONFORMANCE_ROUTES, notFound: CONFORMANCE_NOT_FOUND });
  return servable(app);
}

/** The app's listener, carrying its Web handler where it has one. */
export function servable(app: TestApp): ConformanceApp {
  return app.fetch ? Object.assign(app.handler, { fetch: app.fetch }) : app.handler;
}
