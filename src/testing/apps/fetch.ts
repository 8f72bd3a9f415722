/**
 * The fetch-adapter test app: the table's routes as one `(request) => Response` handler wrapped by
 * `withFlash` (fetch-handler.ts), bridged to a Node listener by `@hono/node-server`.
 */
import { fetchRoutesHandler } from "./fetch-handler.js";
import type { TestAppFactory } from "./routes.js";

/** Builds the fetch app. */
export const fetchApp: TestAppFactory = async ({ flash, routes, notFound }) => {
  const { getRequestListener } = await import("@hono/node-server");
  const handler = fetchRoutesHandler({ flash, routes, notFound });
  return { handler: getRequestListener((request) => handler(request)), close: async () => {} };
};
