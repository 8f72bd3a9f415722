/**
 * The h3 v2 test app: the table's routes behind flashkit's middleware (h3-app.ts), bridged to a Node
 * listener by h3's own `toNodeHandler`, and its `fetch` served as it is on Bun and Deno (Bun.serve,
 * Deno.serve).
 */
import type * as H3Module from "h3";
import { h3RoutesApp } from "./h3-app.js";
import type { NodeHandler, TestAppFactory } from "./routes.js";

/** Builds the h3 v2 app. */
export const h3App: TestAppFactory = async ({ flash, routes, notFound, framework, mount, native }) => {
  const h3 = (framework ?? (await import("h3"))) as typeof H3Module;
  const app = h3RoutesApp({ flash, routes, notFound, h3, mount, native });
  const fetch = async (request: Request) => app.fetch(request);
  // From h3/node: on Bun and Deno, h3's own entry has it only as a deprecated stub that warns.
  const { toNodeHandler } = framework ? h3 : await import("h3/node");
  return { handler: toNodeHandler(app) as unknown as NodeHandler, fetch, close: async () => {} };
};
