/**
 * The fetch-adapter test app: the table's routes as one `(request) => Response` handler wrapped by
 * `withFlash` (fetch-handler.ts), bridged to a Node listener by `@hono/node-server` (and served as it is
 * on Bun and Deno).
 */
import { fetchRoutesHandler } from "./fetch-handler.js";
import { NODE_SERVER_OPTIONS, type TestAppFactory } from "./routes.js";

/** Builds the fetch app. */
export const fetchApp: TestAppFactory = async ({ flash, routes, notFound }) => {
  const { getRequestListener } = await import("@hono/node-server");
  const handler = fetchRoutesHandler({ flash, routes, notFound });
  const fetch = (request: Request) => handler(request);
  return { handler: getRequestListener(fetch, NODE_SERVER_OPTIONS), fetch, close: async () => {} };
};
