/**
 * The h3 v2 test app's routes on an `H3` app, runtime-neutral (no `node:` import; h3's module is
 * passed in): the Node test app (h3.ts) bridges it to a Node listener with h3's `toNodeHandler`, and
 * `app.fetch` serves it as it is on Bun, Deno and workers.
 */
import type * as H3Module from "h3";
import { createH3Flash, type H3EventLike, type H3Flash, type H3FlashOptions } from "../../adapters/h3.js";
import type { Flash } from "../../core/create-flash.js";
import type { FlashMap } from "../../core/types.js";
import { errorBody } from "./fetch-handler.js";
import { BODY_LIMIT, flashApi, NOT_FOUND, type TestAppContext, type TestRoute, toResponse } from "./routes.js";

/** What {@link h3RoutesApp} takes: the app's context, with adapter options in place of an instance if wished. */
export interface H3RoutesContext extends Pick<TestAppContext, "routes" | "notFound" | "mount" | "native"> {
  readonly flash: Flash<FlashMap> | H3FlashOptions;
  /** The `h3` module (v2). */
  readonly h3: Pick<typeof H3Module, "H3">;
}

/**
 * The table's routes on an h3 v2 app behind flashkit's middleware (in front of each route as its
 * `middleware` option, or with `mount: "app"` app-wide); an error is a `500` with `{"error", "code"}`.
 */
export function h3RoutesApp({
  flash,
  routes,
  notFound = NOT_FOUND,
  h3,
  mount = "routes",
  native,
}: H3RoutesContext): InstanceType<typeof H3Module.H3> {
  const kit = createH3Flash<FlashMap>(flash);
  const app = new h3.H3();
  if (mount === "app") app.use(kit.middleware);
  native?.(app);
  const handlerOf = (route: TestRoute) => (event: H3Module.H3Event) =>
    answerH3Route(route, kit, event, {
      params: (event.context.params ?? {}) as Record<string, string>,
      query: event.url.searchParams,
      text: () => event.req.text(),
    });
  const options = mount === "app" ? undefined : { middleware: [kit.middleware] };
  for (const route of routes) app.on(route.method, route.path, handlerOf(route), options);
  app.all("/**", () => toResponse(notFound));
  return app;
}

/** What {@link answerH3Route} reads of a request, the same way on either major. */
export interface H3RouteInput {
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** The body as text. */
  text(): Promise<string>;
}

/**
 * Runs one of the table's routes for an h3 event of either major: reads the body when the route asks
 * for it (a `413` past {@link BODY_LIMIT}), hands the route the request's flash through `useFlash`, and
 * answers a `Response`; an error is a `500` with `{"error", "code"}`.
 */
export async function answerH3Route(
  route: TestRoute,
  kit: H3Flash<FlashMap>,
  event: H3EventLike,
  input: H3RouteInput,
): Promise<Response> {
  try {
    let body = "";
    if (route.body) {
      body = await input.text();
      if (new TextEncoder().encode(body).byteLength > BODY_LIMIT) {
        return Response.json({ error: "request entity too large" }, { status: 413 });
      }
    }
    const requestFlash = await kit.useFlash(event);
    const answer = await route.handle({
      params: input.params,
      query: input.query,
      body,
      flash: flashApi({
        flash: requestFlash,
        getFlashedMessages: (options) => requestFlash.getFlashedMessages(options),
      }),
    });
    return toResponse(answer);
  } catch (error) {
    return Response.json(errorBody(error), { status: 500 });
  }
}
