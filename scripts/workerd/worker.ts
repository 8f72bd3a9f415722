/**
 * The Worker that the workerd tests and `npm run conformance -- --runtime workerd` serve: the Flask
 * conformance protocol (`POST /do`, `GET /health`) and the no-loss workload's routes (`POST
 * /flash/:id`, `GET /read`), through the adapter the `FLASHKIT_ADAPTER` binding names (`fetch` or
 * `hono`), and `GET /runtime` (what the runtime is: `typeof process`, `navigator.userAgent`). The
 * cookie store signs on Web Crypto, with the secret of the `FLASH_SECRET` binding: no `secret`
 * option, so this is the adapters' default in a runtime without `process`.
 */
import { Hono } from "hono";
import { fetchRoutesHandler } from "../../src/testing/apps/fetch-handler.js";
import { honoRoutesApp } from "../../src/testing/apps/hono-app.js";
import type { TestRoute, TestRouteResponse } from "../../src/testing/apps/routes.js";
import { NO_LOSS_ROUTES } from "../../src/testing/no-loss-routes.js";
import { CONFORMANCE_LIMITS, CONFORMANCE_NOT_FOUND, CONFORMANCE_ROUTES } from "../../src/testing/protocol.js";

/** The bindings the workerd config gives this Worker. */
interface Env {
  readonly FLASHKIT_ADAPTER?: string;
  readonly FLASH_SECRET?: string;
}

type Handler = (request: Request, env: Env, ctx: unknown) => Promise<Response>;

function handlerOf(adapter: string | undefined, routes: readonly TestRoute[], notFound?: TestRouteResponse): Handler {
  const limits =
    routes === CONFORMANCE_ROUTES ? { ...CONFORMANCE_LIMITS.flash, cookie: CONFORMANCE_LIMITS.cookie } : {};
  if (adapter === "hono") {
    const app = honoRoutesApp({ flash: limits, routes, notFound, Hono });
    return async (request, env, ctx) => app.fetch(request, env, ctx as never);
  }
  if (adapter === "fetch") return fetchRoutesHandler({ flash: limits, routes, notFound });
  throw new TypeError(`FLASHKIT_ADAPTER must be "fetch" or "hono", got ${JSON.stringify(adapter)}`);
}

let conformance: Handler | undefined;
let noLoss: Handler | undefined;

export default {
  fetch(request: Request, env: Env, ctx: unknown): Response | Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/runtime") {
      return Response.json({ process: typeof globalThis.process, userAgent: globalThis.navigator?.userAgent });
    }
    if (pathname === "/read" || pathname.startsWith("/flash/")) {
      noLoss ??= handlerOf(env.FLASHKIT_ADAPTER, NO_LOSS_ROUTES);
      return noLoss(request, env, ctx);
    }
    conformance ??= handlerOf(env.FLASHKIT_ADAPTER, CONFORMANCE_ROUTES, CONFORMANCE_NOT_FOUND);
    return conformance(request, env, ctx);
  },
};
