import type { RequestHandler } from "@sveltejs/kit";
import { NO_LOSS_ROUTES } from "flashkit/testing/no-loss";
import { CONFORMANCE_NOT_FOUND, CONFORMANCE_ROUTES } from "flashkit/testing/protocol";
import { flashApi, matchRoute, toResponse } from "flashkit/testing/routes";

const ROUTES = [...CONFORMANCE_ROUTES, ...NO_LOSS_ROUTES];

/** Every route of the conformance protocol and the no-loss workload, with `event.locals.flash`. */
const serve: RequestHandler = async ({ request, url, locals }) => {
  const found = matchRoute(ROUTES, request.method, url.pathname);
  if (!found) return toResponse(CONFORMANCE_NOT_FOUND);
  try {
    const answer = await found.route.handle({
      params: found.params,
      query: url.searchParams,
      body: found.route.body ? await request.text() : "",
      flash: flashApi({
        flash: locals.flash,
        getFlashedMessages: (options) => locals.flash.getFlashedMessages(options),
      }),
    });
    return toResponse(answer);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return Response.json(
      { error: String((error as Error)?.message ?? error), ...(typeof code === "string" ? { code } : {}) },
      { status: 500 },
    );
  }
};

export { serve as DELETE, serve as GET, serve as PATCH, serve as POST, serve as PUT };
