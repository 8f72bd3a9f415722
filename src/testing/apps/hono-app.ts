/**
 * The Hono test app's routes on a Hono app, runtime-neutral (no `node:` import; the `Hono` class is
 * passed in): the Node test app (hono.ts) bridges it to a Node listener, the workerd tests bundle it
 * into a Worker.
 */
import type { Handler, Hono as HonoApp } from "hono";
import { flash as flashMiddleware, type HonoFlashOptions } from "../../adapters/hono.js";
import type { Flash } from "../../core/create-flash.js";
import type { FlashMap } from "../../core/types.js";
import { errorBody } from "./fetch-handler.js";
import { flashApi, NOT_FOUND, type TestAppContext, toResponse } from "./routes.js";

/** What {@link honoRoutesApp} takes: the app's context, with adapter options in place of an instance if wished. */
export interface HonoRoutesContext extends Pick<TestAppContext, "routes" | "notFound" | "mount" | "native"> {
  readonly flash: Flash<FlashMap> | HonoFlashOptions;
  /** Hono's `Hono` class. */
  readonly Hono: typeof HonoApp;
}

/**
 * The table's routes on a Hono app behind flashkit's middleware (in front of each, or with `mount: "app"`
 * app-wide); an error is a `500` with `{"error", "code"}`.
 */
export function honoRoutesApp({
  flash,
  routes,
  notFound = NOT_FOUND,
  Hono,
  mount = "routes",
  native,
}: HonoRoutesContext): HonoApp {
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
  app.onError((error, c) => c.json(errorBody(error), 500));
  return app;
}
