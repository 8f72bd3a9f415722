/**
 * The fetch-adapter test app's handler, runtime-neutral (no `node:` import, no framework): the Node
 * test app (fetch.ts) bridges it to a Node listener, the workerd tests bundle it into a Worker.
 */

import { type FetchFlashOptions, flashOf, withFlash } from "../../adapters/fetch.js";
import type { Flash } from "../../core/create-flash.js";
import type { FlashMap } from "../../core/types.js";
import { flashApi, matchRoute, NOT_FOUND, type TestAppContext, toResponse } from "./routes.js";

/** What {@link fetchRoutesHandler} takes: the app's context, with adapter options in place of an instance if wished. */
export interface FetchRoutesContext extends Pick<TestAppContext, "routes" | "notFound"> {
  readonly flash: Flash<FlashMap> | FetchFlashOptions<unknown[]>;
}

/**
 * The table's routes as one Fetch API handler behind `withFlash`: extra arguments (Workers' `env,
 * ctx`) pass through to the adapter. An error is answered as a `500` with `{"error", "code"}`.
 */
export function fetchRoutesHandler({
  flash,
  routes,
  notFound = NOT_FOUND,
}: FetchRoutesContext): (request: Request, ...rest: unknown[]) => Promise<Response> {
  const handler = withFlash<unknown[]>(async (request: Request) => {
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
  return async (request, ...rest) => {
    try {
      return await handler(request, ...rest);
    } catch (error) {
      return Response.json(errorBody(error), { status: 500 });
    }
  };
}

/** The JSON body of a `500`: the error's message, and its `code` when it has one (a `FlashError`'s). */
export function errorBody(error: unknown): { error: string; code?: string } {
  const message = String((error as Error)?.message ?? error);
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? { error: message, code } : { error: message };
}
