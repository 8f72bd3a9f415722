/**
 * Astro 5 adapter (server output): a middleware (`onRequest`, composable with `sequence()`) that
 * opens one jar per request and puts its flash function on `Astro.locals.flash` (typed through
 * `App.Locals`). Pages, layouts, endpoints and Astro Actions (`context.locals.flash`) flash and read
 * through it; the middleware commits onto whatever Astro answers: a page, `Astro.redirect()`, an
 * endpoint's `Response` (immutable headers included), an action's result, or the 404/500 page Astro
 * renders after an error, which runs the middleware again for the same `Request`.
 *
 * Astro streams a page while its layouts render, after the headers have gone. So when the client has
 * messages pending, or the page's frontmatter flashed or read, the middleware waits for the whole
 * page before committing (a layout's read then consumes, a layout's flash is stored); a quiet page
 * streams as usual. Types only from `astro`: nothing of it is imported at run time.
 */
import type { APIContext, MiddlewareHandler } from "astro";
import type { Flash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import { type FlashFunction, flashFunction } from "../core/request-api.js";
import { headerOfFetch, isSideRequest } from "../core/side-requests.js";
import type { FlashLogger, FlashMap, RegisteredFlashes } from "../core/types.js";
import { CollectingRequest, type CommitErrorResult, refuseSessionStore, withSetCookies } from "./fetch-request.js";
import { type FlashAdapterOptions, loggerOf, resolveFlash, settle } from "./shared.js";

declare global {
  namespace App {
    interface Locals {
      /**
       * flashkit's flash function for this request, set by flashkit/astro's middleware: Flask's
       * `flash(message, category)`, with `now`, `keep`, `peek`, `getFlashedMessages` and `save`.
       *
       * @example
       * Astro.locals.flash("Profile updated successfully!", "success");
       * const messages = Astro.locals.flash.getFlashedMessages({ withCategories: true });
       */
      flash: FlashFunction<RegisteredFlashes>;
    }
  }
}

/**
 * Options of {@link createFlashMiddleware}. Its `onCommitError(error, context, response)` runs when
 * the commit fails (the Redis store is down or full), after the warning: a `Response` it returns is
 * sent instead. To decide in the route, `await Astro.locals.flash.save()`.
 *
 * @example
 * createFlashMiddleware({ secret: process.env.FLASH_SECRET, cookie: { secure: true } });
 */
export type AstroFlashOptions = FlashAdapterOptions<
  (error: unknown, context: APIContext, response: Response) => CommitErrorResult
>;

/** What {@link createFlashMiddleware} takes: options, or a `createFlash()` instance made when first needed. */
export type AstroFlashSetup<M extends FlashMap> = AstroFlashOptions | (() => Flash<M>);

/**
 * Each request's scope, for the error page Astro renders after a throw or a bare 404/500: Astro runs
 * the middleware again for it, with the same `Request` but new `locals`.
 */
const scopes = new WeakMap<Request, AstroFlashRequest>();
/** Set by Astro on a page's response until the middleware chain returns (astro/dist/core/constants.js). */
const ROUTE_TYPE_HEADER = "x-astro-route-type";

/**
 * Creates flashkit's Astro middleware. Export it as `onRequest` from `src/middleware.ts`, alone or in
 * `sequence()`. The instance is made on the first request, so `astro build` needs no secret. Without
 * `secret`, `store` or `FLASH_SECRET`, `astro dev` (and a test, `NODE_ENV=test`) signs with a random
 * secret and a warning; anywhere else (the built server, where `NODE_ENV` is unset or `production`)
 * the first request fails with `FlashError` `ERR_FLASH_CONFIG` saying to set `FLASH_SECRET`.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` (on the first request) when the options cannot work, or name
 *   the session store (Astro has no session middleware flashkit can use).
 * @example
 * // src/middleware.ts
 * import { sequence } from "astro:middleware";
 * import { createFlashMiddleware } from "flashkit/astro";
 * export const onRequest = sequence(createFlashMiddleware({ cookie: { secure: true } }));
 *
 * // src/pages/api/ping.ts
 * export const POST: APIRoute = ({ locals, redirect }) => {
 *   locals.flash("Pong", "info");
 *   return redirect("/", 303);
 * };
 */
export function createFlashMiddleware<M extends FlashMap = RegisteredFlashes>(
  setup: AstroFlashSetup<M> = {},
): MiddlewareHandler {
  const options: AstroFlashOptions = typeof setup === "function" ? {} : setup;
  const onCommitError = options.onCommitError;
  let resolved: { instance: Flash<FlashMap>; logger: FlashLogger } | undefined;
  const resolve = () => {
    if (resolved) return resolved;
    const instance = (typeof setup === "function" ? setup() : resolveFlash<M>(checkedSecret(setup))) as Flash<FlashMap>;
    refuseSessionStore(instance, "flashkit/astro");
    resolved = { instance, logger: loggerOf(options) };
    return resolved;
  };

  return async function flashkit(context, next) {
    const locals = context.locals as unknown as Record<PropertyKey, unknown>;
    const existing = scopes.get(context.request);
    // Astro's error page for this request (after a throw or a bare 404/500), or a second copy of
    // the middleware in sequence(): one jar per request.
    if (existing) {
      locals.flash = existing.flash;
      return existing.finish(await next(), context, onCommitError);
    }
    if (context.isPrerendered) {
      locals.flash = PRERENDERED;
      return next();
    }
    const { instance, logger } = resolve();
    const scope = new AstroFlashRequest(instance, context.request, logger);
    scopes.set(context.request, scope);
    locals.flash = scope.flash;
    const loading = scope.jar.load();
    if (loading) await loading;
    return scope.finish(await next(), context, onCommitError);
  };
}

/**
 * The middleware over the default options (the signed-cookie store, `FLASH_SECRET`), for apps that
 * configure nothing: `export { onRequest } from "flashkit/astro"`, or `sequence(onRequest, ...)`.
 *
 * @example
 * // src/middleware.ts
 * export { onRequest } from "flashkit/astro";
 */
export const onRequest: MiddlewareHandler = createFlashMiddleware();

/**
 * Whether a request is a side request for Astro (see `isSideRequest()`): `HEAD`, `OPTIONS`, a
 * prefetch (`<link rel="prefetch">` of Astro's `prefetch()` sends `Sec-Purpose: prefetch` in
 * Chromium; speculation rules `prefetch;prerender`) or a subresource load. A `<ClientRouter />`
 * navigation is a `fetch()` and consumes, as a page load does.
 *
 * @example
 * isAstroSideRequest(new Request("http://x/", { headers: { "sec-purpose": "prefetch" } })); // true
 */
export function isAstroSideRequest(request: Pick<Request, "method" | "headers">): boolean {
  return isSideRequest(request.method, request.headers, headerOfFetch);
}

/** One request's flash state: its jar, the `Set-Cookie` headers its commit wrote, and how to put them on a response. */
class AstroFlashRequest extends CollectingRequest {
  readonly jar: FlashJar<FlashMap>;
  readonly flash: FlashFunction<RegisteredFlashes>;
  readonly #request: Request;
  readonly #logger: FlashLogger;

  constructor(instance: Flash<FlashMap>, request: Request, logger: FlashLogger) {
    super(request.headers.get("cookie") ?? undefined);
    this.#request = request;
    this.#logger = logger;
    this.jar = instance.open(this);
    this.flash = flashFunction(this.jar) as unknown as FlashFunction<RegisteredFlashes>;
  }

  get sideRequest(): boolean {
    return isAstroSideRequest(this.#request);
  }

  /**
   * Commits (once) and returns `response` with the commit's `Set-Cookie` headers, every one of them:
   * Astro's error page merges the failed response's headers one value per name.
   */
  async finish(
    response: Response,
    context: APIContext,
    onCommitError: AstroFlashOptions["onCommitError"],
  ): Promise<Response> {
    let target = response;
    if (!this.jar.committed) {
      if (isStreamingPage(response) && (this.jar.touched || this.jar.peek().length > 0)) {
        // The layouts render while the body streams: let them read and flash before the commit.
        target = new Response(await response.arrayBuffer(), response);
      }
      const replaced = await settle(this.jar, this.#logger, onCommitError, context, target);
      if (replaced instanceof Response) target = replaced;
      else if (this.sideRequest && this.jar.touched && this.jar.peek().length > 0) target = uncached(target);
    }
    if (this.setCookies.length === 0) return target;
    const present = new Set(target.headers.getSetCookie());
    const missing = this.setCookies.filter((header) => !present.has(header));
    return withSetCookies(target, missing, this.#logger);
  }
}

/** A page Astro renders while its body streams (not a redirect, not an endpoint's response). */
function isStreamingPage(response: Response): boolean {
  return response.body !== null && response.headers.get(ROUTE_TYPE_HEADER) === "page";
}

/**
 * A side request's page that shows messages it did not consume: never reused from a cache (the
 * navigation after a `<link rel="prefetch">` must reach the server to consume them).
 */
function uncached(response: Response): Response {
  if (response.headers.has("cache-control")) return response;
  try {
    response.headers.set("cache-control", "no-store");
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set("cache-control", "no-store");
    return copy;
  }
}

/** `locals.flash` on a prerendered page, which has no request: no messages, and flashing is an error. */
const PRERENDERED: FlashFunction<RegisteredFlashes> = Object.assign(
  () => {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "flashkit/astro: a prerendered page has no request to flash on: flash from an on-demand page " +
        "(export const prerender = false), an endpoint or an action",
    );
  },
  {
    now: () => {},
    keep: () => {},
    peek: () => [],
    getFlashedMessages: () => [],
    save: () => Promise.resolve(),
  },
) as unknown as FlashFunction<RegisteredFlashes>;

/**
 * The options with the secret checked as Astro runs: `astro dev` sets `NODE_ENV=development` and
 * tests set `test`, where a random secret is fine; the built server (`node dist/server/entry.mjs`)
 * runs with `NODE_ENV` unset, so there as in production a missing secret is an error.
 */
function checkedSecret(options: AstroFlashOptions): AstroFlashOptions {
  if (options.store || options.secret !== undefined || globalThis.process?.env?.FLASH_SECRET) return options;
  const mode = globalThis.process?.env?.NODE_ENV;
  if (mode === "development" || mode === "test") return options;
  throw new FlashError(
    "ERR_FLASH_CONFIG",
    "flashkit/astro needs a secret on a built server: set FLASH_SECRET in the server's environment " +
      "(at least 32 random bytes, such as the output of `openssl rand -base64 32`), " +
      "or pass `secret` to createFlashMiddleware()",
  );
}
