/**
 * flashkit/testing: what an app's own tests need. A browser-like cookie client, a server helper, the
 * no-loss check under overlapping requests, and the Flask conformance app for every adapter × store.
 * Frameworks are imported only when an app for them is built.
 *
 * @example
 * import { createBrowserClient, createConformanceApp, startServer } from "flashkit/testing";
 *
 * const server = await startServer(await createConformanceApp({ adapter: "express", store: "cookie" }));
 * const browser = createBrowserClient(server.url);
 * const post = (ops: unknown[]) => browser.fetch("/do", { method: "POST", body: JSON.stringify({ ops }) });
 * await post([{ op: "flash", message: "Saved", category: "success" }]);
 * console.log(await (await post([{ op: "get", with_categories: true }])).json());
 * // { results: [[["success", "Saved"]]] }
 * await server.close();
 */
export {
  CONFORMANCE_ADAPTERS,
  CONFORMANCE_STORES,
  type ConformanceAdapterName,
  type ConformanceApp,
  type ConformanceAppOptions,
  createConformanceApp,
} from "./app.js";
export { type BrowserClient, type BrowserCookie, createBrowserClient } from "./browser-client.js";
export {
  createNoLossApp,
  type NoLossAdapterName,
  type NoLossResult,
  type NoLossWorkloadOptions,
  noLossPause,
  runNoLossWorkload,
  startNoLossApp,
} from "./no-loss.js";
export type { ConformanceOp, FlashOp, GetOp } from "./protocol.js";
export { type StartedServer, startServer } from "./server.js";
export { type ConformanceStoreName, closeConformanceStores } from "./stores.js";
