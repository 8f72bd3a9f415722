import { cookieStore, createFlash } from "flashkit";
import { createNextFlash, type NextFlash } from "flashkit/next";
import type { TestRoute } from "flashkit/testing/routes";
import { flashApi, toResponse } from "flashkit/testing/routes";

/** The conformance protocol's instance: Flask's limits, as createConformanceApp() sets them. */
export const conformance = createNextFlash(() =>
  createFlash({
    store: cookieStore({ secret: process.env.FLASH_SECRET, maxBytes: 8192, maxAddedBytes: 4098 }),
    maxMessages: 50,
    maxAddedMessages: 50,
  }),
);

/** The no-loss workload's instance: the defaults. */
export const noLoss = createNextFlash();

/** A route handler serving one route of flashkit's test apps, inside `api.withFlash()`. */
export function routeHandler(api: NextFlash, route: TestRoute) {
  return api.withFlash(async (request: Request, context: { params: Promise<Record<string, string>> }) => {
    const answer = await route.handle({
      params: await context.params,
      query: new URL(request.url).searchParams,
      body: route.body ? await request.text() : "",
      flash: flashApi({ flash: api.flash, getFlashedMessages: (options) => api.flash.getFlashedMessages(options) }),
    });
    return toResponse(answer);
  });
}
