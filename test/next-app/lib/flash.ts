import { cookieStore, createFlash, FlashError, type FlashStore } from "flashkit";
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

/** A store whose backend refuses every write, as a Redis that went away between flash() and the commit. */
const unreachable: FlashStore = {
  name: "unreachable",
  maxBytes: 4096,
  load: () => [],
  measure: () => 64,
  commit: () => Promise.reject(new FlashError("ERR_FLASH_STORE_UNAVAILABLE", "the store is unreachable")),
};

/** Commit failures: onCommitError's response replaces the route handler's. */
export const failing = createNextFlash(() => createFlash({ store: unreachable }));
export const failingWithHook = createNextFlash({
  store: unreachable,
  onCommitError: () => new Response("Saved, but the confirmation could not be kept", { status: 503 }),
});

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
