/**
 * The fetch-adapter test app: one `(request) => Response` handler wrapped by `withFlash`, routing the
 * table by method and path, bridged to a Node listener by `@hono/node-server` (and served as it is on
 * Bun and Deno).
 */
import { flashOf, withFlash } from "../../adapters/fetch.js";
import { flashApi, matchRoute, NODE_SERVER_OPTIONS, NOT_FOUND, type TestAppFactory, toResponse } from "./routes.js";

/** Builds the fetch app. */
export const fetchApp: TestAppFactory = async ({ flash, routes, notFound = NOT_FOUND }) => {
  const { getRequestListener } = await import("@hono/node-server");
  const handler = withFlash(async (request: Request) => {
    const url = new URL(request.url);
    const found = matchRoute(routes, request.method, url.pathname);
    if (!found) return toResponse(notFound);
    const requestFlash = flashOf(request);
    const answer = await found.route.handle({
      params: found.params,
      query: url.searchParams,
      body: found.route.body ? await request.text() : "",
      flash: flashApi({
        flash: requestFlash,
        getFlashedMessages: (options) => requestFlash.getFlashedMessages(options),
      }),
    });
    return toResponse(answer);
  }, flash);
  const fetch = async (request: Request) => {
    try {
      return await handler(request);
    } catch (error) {
      return Response.json({ error: String((error as Error)?.message ?? error) }, { status: 500 });
    }
  };
  return { handler: getRequestListener(fetch, NODE_SERVER_OPTIONS), fetch, close: async () => {} };
};
