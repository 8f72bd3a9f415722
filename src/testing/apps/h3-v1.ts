/**
 * The h3 v1 test app (the h3 of Nitro 2 and Nuxt 4): the table's routes on h3's router, flashkit's
 * middleware as each route's `onRequest` hook (or with `mount: "app"` app-wide, as Nitro's server
 * middleware runs), served as a Node listener by h3's `toNodeListener`.
 */
import type * as H3V1 from "h3-v1";
import { createH3Flash } from "../../adapters/h3.js";
import type { FlashMap } from "../../core/types.js";
import { answerH3Route } from "./h3-app.js";
import { NOT_FOUND, type NodeHandler, type TestAppFactory, type TestRoute, toResponse } from "./routes.js";

/**
 * Builds the h3 v1 app. `framework` is the h3 v1 module; by default the `h3-v1` alias (flashkit's
 * own tests install h3 v1 under it), else `h3` itself where that is v1.
 */
export const h3V1App: TestAppFactory = async ({ flash, routes, notFound = NOT_FOUND, framework, mount, native }) => {
  const h3 = (framework ?? (await importH3V1())) as typeof H3V1;
  const kit = createH3Flash<FlashMap>(flash);
  const app = h3.createApp();
  if (mount === "app") app.use(kit.middleware);
  native?.(app);
  const router = h3.createRouter();
  const handlerOf = (route: TestRoute) => (event: H3V1.H3Event) =>
    answerH3Route(route, kit, event, {
      params: h3.getRouterParams(event, { decode: true }),
      query: new URLSearchParams(event.path.split("?")[1] ?? ""),
      text: async () => (await h3.readRawBody(event, "utf8")) ?? "",
    });
  for (const route of routes) {
    const handler =
      mount === "app"
        ? h3.defineEventHandler(handlerOf(route))
        : h3.defineEventHandler({
            onRequest: [kit.middleware],
            handler: handlerOf(route),
          });
    router.use(route.path, handler, route.method.toLowerCase() as "get" | "post");
  }
  app.use(router);
  app.use(h3.defineEventHandler(() => toResponse(notFound)));
  return { handler: h3.toNodeListener(app) as NodeHandler, close: async () => {} };
};

/**
 * flashkit's own development install of h3 v1, beside h3 v2 as `h3`: an npm alias, which an app's
 * install never has (its h3 is the declared peer, `h3`).
 */
const H3_V1_ALIAS = "h3-v1";

/** h3 v1: flashkit's `h3-v1` alias where installed, else `h3` (which must then be v1). */
async function importH3V1(): Promise<unknown> {
  try {
    return await import(H3_V1_ALIAS);
  } catch {
    const h3 = await import("h3");
    if ("H3" in h3) throw new TypeError("the h3-v1 test app needs h3 v1: this `h3` is v2");
    return h3;
  }
}
