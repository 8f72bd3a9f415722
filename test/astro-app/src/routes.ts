import type { APIContext, APIRoute } from "astro";
import type { TestRoute } from "flashkit/testing/routes";
import { flashApi, toResponse } from "flashkit/testing/routes";

/** An endpoint serving one route of flashkit's test apps through `locals.flash`. */
export function endpoint(route: TestRoute | undefined): APIRoute {
  if (!route) throw new Error("no such route");
  return async ({ locals, params, request, url }: APIContext) => {
    const answer = await route.handle({
      params: params as Record<string, string>,
      query: url.searchParams,
      body: route.body ? await request.text() : "",
      flash: flashApi({
        flash: locals.flash as never,
        getFlashedMessages: (options) => locals.flash.getFlashedMessages(options),
      }),
    });
    return toResponse(answer);
  };
}
