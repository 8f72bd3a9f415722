/**
 * The Hono test app: the table's routes behind flashkit's middleware (in front of each, or with
 * `mount: "app"` app-wide), bridged to a Node listener by `@hono/node-server`.
 */
import type { Handler, Hono as HonoApp } from "hono";
import { flash as flashMiddleware } from "../../adapters/hono.js";
import { flashApi, NOT_FOUND, type TestAppFactory, toResponse } from "./routes.js";

/** Builds the Hono app. */
export const honoApp: TestAppFactory = async ({
  flash,
  routes,
  notFound = NOT_FOUND,
  framework,
  mount = "routes",
  native,
}) => {
  const { Hono } = (framework ?? (await import("hono"))) as { Hono: typeof HonoApp };
  const { getRequestListener } = await import("@hono/node-server");
  const app = new Hono();
  const flashkit = flashMiddleware(flash);
  if (mount === "app") app.use(flashkit);
  native?.(app);

  for (const route of routes) {
    const handle: Handler = async (c) => {
      const answer = await route.handle({
        params: c.req.param() as Record<string, string>,
        query: new URL(c.req.url).searchParams,
        body: route.body ? await c.req.text() : "",
        flash: flashApi(c.var),
      });
      return toResponse(answer);
    };
    if (mount === "app") app.on(route.method, route.path, handle);
    else app.on(route.method, route.path, flashkit, handle);
  }
  app.notFound(() => toResponse(notFound));
  app.onError((error, c) => c.json({ error: error.message }, 500));
  return { handler: getRequestListener(app.fetch), close: async () => {} };
};
