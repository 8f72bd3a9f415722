/**
 * Fetch API adapter, for any `(request: Request, ...rest) => Response | Promise<Response>` handler:
 * Bun, Deno, Cloudflare Workers, Node through a bridge. `withFlash(handler, options)` wraps the
 * handler; inside it, `flashOf(request)` is the request's flash API. Runtime-neutral: no `node:`
 * import, Web Crypto wherever `node:crypto` is absent.
 */
import type { Flash } from "../core/create-flash.js";
import type { FlashFunction, FlashTemplateFunctions } from "../core/request-api.js";
import { type FlashMap, isPromise, type RegisteredFlashes } from "../core/types.js";
import { type CommitErrorResult, type FetchFlashScope, openFetchFlash, refuseSessionStore } from "./fetch-request.js";
import { type FlashAdapterOptions, type FlashSecrets, flashResolver, loggerOf, type SecretResolver } from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

/**
 * Options of {@link withFlash}. Its `onCommitError(error, request, response)` runs when the commit
 * after the handler fails, after the warning, with the request and the handler's response: a
 * `Response` it returns is sent instead. To decide in the handler, use `await flashOf(request).save()`.
 *
 * @typeParam A - the handler's arguments after the request (Workers' `[env, ctx]`), which a `secret`
 * function receives.
 * @example
 * withFlash(handler, { onCommitError: () => new Response("Saved, but the confirmation could not be stored", { status: 503 }) });
 */
export interface FetchFlashOptions<A extends unknown[] = unknown[]>
  extends Omit<
    FlashAdapterOptions<(error: unknown, request: Request, response: Response) => CommitErrorResult>,
    "secret"
  > {
  /**
   * The secret (or secrets, newest first) of the default cookie store: at least 32 bytes. A function
   * is called on every request with the handler's arguments (`request, env, ctx` on Cloudflare
   * Workers, whose secrets are `env` bindings) and returns the secret, or a promise of it; each
   * distinct secret gets its store once. A request for which it returns nothing fails with
   * `FlashError` `ERR_FLASH_CONFIG`.
   * @default process.env.FLASH_SECRET; where it has none on Cloudflare Workers (or in a runtime
   * without `process`), `env.FLASH_SECRET` of each request (the handler's second argument), and an
   * `ERR_FLASH_CONFIG` error when that is missing too
   * @example secret: (request, env) => env.FLASH_SECRET
   */
  secret?: FlashSecrets | SecretResolver<[request: Request, ...rest: A]>;
}

/** A Fetch API handler: the request, then whatever the runtime passes (Workers' `env, ctx`, Deno's `info`, Bun's `server`). */
export type FetchHandler<A extends unknown[] = []> = (request: Request, ...rest: A) => Response | Promise<Response>;

const scopes = new WeakMap<Request, FetchFlashScope<FlashMap>>();

/**
 * Wraps a Fetch API handler so that it can flash and read messages through {@link flashOf}. The
 * returned handler has the same parameters (extra arguments pass through) and commits the request's
 * delta onto the handler's response: `Set-Cookie` headers appended, or the response copied first
 * when its headers are immutable (`Response.redirect()`, a proxied `fetch()` response). A request
 * that neither flashed nor read gets the handler's response back untouched.
 *
 * A handler that throws commits nothing, and the error propagates to the runtime: the runtime makes
 * its own error response, which the cookies cannot reach, and every store needs them (the cookie store
 * keeps the messages in them, the memory and Redis stores a pointer per message), so a commit would
 * only delete what was read, never shown, and leave what was flashed unreachable. What it read stays
 * pending, what it flashed is dropped. For Flask's behaviour (the session saved with the 500), catch
 * the error in the handler and return the error `Response`: it is committed onto like any other.
 *
 * The secret: the `secret` option, a value or a function of the handler's arguments; else
 * `process.env.FLASH_SECRET`; else, on Cloudflare Workers (whose `process.env` holds the bindings only
 * under `nodejs_compat`), `env.FLASH_SECRET` of each request.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work, and from a
 * request that brings no secret when the secret comes with the request.
 * @example
 * import { flashOf, withFlash } from "flashkit/fetch";
 *
 * export default {
 *   fetch: withFlash(async (request: Request, env: { FLASH_SECRET: string }) => {
 *     const flash = flashOf(request);
 *     if (request.method === "POST") {
 *       flash("Profile updated successfully!", "success");
 *       return Response.redirect(new URL("/profile", request.url), 303);
 *     }
 *     return Response.json(flash.getFlashedMessages({ withCategories: true }));
 *   }, { secret: (request, env) => env.FLASH_SECRET }),
 * };
 */
export function withFlash<A extends unknown[], M extends FlashMap = RegisteredFlashes>(
  handler: FetchHandler<A>,
  options: FetchFlashOptions<NoInfer<A>> | Flash<M> = {},
): (request: Request, ...rest: A) => Promise<Response> {
  const adapterOptions = options as FlashAdapterOptions<unknown> | Flash<M>;
  const instanceFor = flashResolver<M, [Request, ...A]>(adapterOptions, {
    adapter: "flashkit/fetch",
    bindings: (_request, ...rest) => rest[0],
    example: "secret: (request, env) => env.MY_SECRET",
    check: (instance) => refuseSessionStore(instance as Flash<FlashMap>, "flashkit/fetch"),
  });
  const logger = loggerOf(adapterOptions);
  const { onCommitError } = options as FetchFlashOptions;

  return async function flashkitFetch(request: Request, ...rest: A): Promise<Response> {
    if (scopes.has(request)) return handler(request, ...rest);
    const made = instanceFor(request, ...rest);
    const instance = isPromise(made) ? await made : made;
    const scope = openFetchFlash(instance, request.headers.get("cookie") ?? undefined, logger, request);
    scopes.set(request, scope as unknown as FetchFlashScope<FlashMap>);
    const loading = scope.load();
    if (loading) await loading;
    return scope.settleOnto(await handler(request, ...rest), onCommitError, request);
  };
}

/**
 * The flash API of a request inside a {@link withFlash} handler: call it to flash, use its methods
 * (`now`, `keep`, `peek`, `getFlashedMessages`) for the rest.
 *
 * A lookup keyed by the `Request` object keeps the handler's signature exactly what the runtime
 * expects (a third argument would collide with Workers' `ctx`; a property on `Request` would need a
 * global type patch). Routers that pass the original `Request` along (Hono, itty-router) work
 * unchanged; a `new Request(request)` copy is a different object and has no flash API.
 *
 * @typeParam M - the app's categories, when it types them per instance rather than through `Register`.
 * @throws {TypeError} when `request` did not come through `withFlash()`.
 * @example
 * const flash = flashOf(request);
 * flash("Saved", "success");
 * flash.now("Shown in this response only", "info");
 * const messages = flash.getFlashedMessages({ withCategories: true });
 */
export function flashOf<M extends FlashMap = RegisteredFlashes>(request: Request): FlashFunction<M> {
  return scopeOf(request, "flashOf").flash as unknown as FlashFunction<M>;
}

/**
 * Flask's template functions for a request inside a {@link withFlash} handler, to spread into a
 * template's context: `get_flashed_messages(with_categories=true)` and `getFlashedMessages({...})`.
 *
 * @throws {TypeError} when `request` did not come through `withFlash()`.
 * @example
 * const html = env.render("profile.njk", { ...flashTemplatesOf(request), user });
 */
export function flashTemplatesOf(request: Request): FlashTemplateFunctions {
  return scopeOf(request, "flashTemplatesOf").templates;
}

function scopeOf(request: Request, caller: string): FetchFlashScope<FlashMap> {
  const scope = scopes.get(request);
  if (!scope) {
    throw new TypeError(
      `${caller}(request): this request did not come through withFlash(handler); pass the Request object ` +
        "the wrapped handler received, not a copy",
    );
  }
  return scope;
}
