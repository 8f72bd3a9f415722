/**
 * The Hono test app: the table's routes behind flashkit's middleware, bridged to a Node listener by
 * `@hono/node-server` (and served as it is on Bun and Deno).
 */
import type { Hono as HonoApp } from "hono";
import { flash as flashMiddleware } from "../../adapters/hono.js";
import { flashApi, NODE_SERVER_OPTIONS, NOT_FOUND, type TestAppFactory, toResponse } from "./routes.js";

/** Builds the Hono app. */
export const honoApp: TestAppFactory = async ({ flash, routes, notFound = NOT_FOUND, framework }) => {
  const { Hono } = (framework ?? (await import("hono"))) as { Hono: typeof HonoApp };
  const { getRequestListener } = await import("@hono/node-server");
  const app = new Hono();
  const flashkit = flashMiddleware(flash);

  for (const route of routes) {
    app.on(route.method, route.path, flashkit, async (c) => {
      const answer = await route.handle({
        params: c.req.param() as Record<string, string>,
        query: new URL(c.req.url).searchParams,
        body: route.body ? await c.req.text() : "",
        flash: flashApi(c.var),
      });
      return toResponse(answer);
    });
  }
  app.notFound(() => toResponse(notFound));
  app.onError((error, c) => c.json({ error: error.message }, 500));
  const fetch = async (request: Request) => app.fetch(request);
  return { handler: getRequestListener(fetch, NODE_SERVER_OPTIONS), fetch, close: async () => {} };
};
