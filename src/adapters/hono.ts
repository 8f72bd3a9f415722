/**
 * Hono 4 adapter: `app.use(flash({ secret }))`, then `c.var.flash()` in handlers and
 * `c.var.getFlashedMessages()` in handlers, `jsxRenderer` layouts and `useRequestContext()`
 * components. Runs wherever Hono runs: on Node the cookie store signs with `node:crypto`, elsewhere
 * with Web Crypto. The delta is committed after `await next()`, by appending `Set-Cookie` to `c.res`,
 * so it reaches every response: redirects, HTML, JSON, streams and the `onError` response.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Flash } from "../core/create-flash.js";
import type { FlashJar } from "../core/jar.js";
import { type FlashFunction, type FlashTemplateFunctions, flaskTemplateFunction } from "../core/request-api.js";
import { type FlashMap, isPromise, type RegisteredFlashes } from "../core/types.js";
import { type CommitErrorResult, type FetchRequestLike, openFetchFlash, refuseSessionStore } from "./fetch-request.js";
import { type FlashAdapterOptions, type FlashSecrets, flashResolver, loggerOf, type SecretResolver } from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

declare module "hono" {
  interface ContextVariableMap {
    /**
     * Flashes a message for the next request: `c.var.flash(message, category = "message")`.
     * Also `c.var.flash.now()`, `.keep()`, `.peek()`.
     */
    flash: FlashFunction<RegisteredFlashes>;
    /** Flask's `get_flashed_messages()`: the first call consumes every pending message. */
    getFlashedMessages: FlashJar<RegisteredFlashes>["getFlashedMessages"];
    /** Flask's template name, with its keyword arguments: `get_flashed_messages({ with_categories: true })`. */
    get_flashed_messages: FlashTemplateFunctions["get_flashed_messages"];
  }
}

/**
 * Options of the Hono middleware. Its `onCommitError(error, c)` runs when the commit after the handler
 * fails, after the warning and before the response leaves the middleware: a `Response` it returns
 * replaces `c.res`. (`c.text()` and `c.json()` would carry the headers the handler set on `c`, such as
 * `c.redirect()`'s `Location`: build a new `Response`.) To decide in the handler instead, use
 * `await c.var.flash.save()`.
 *
 * @example
 * flash({ onCommitError: () => new Response("Saved, but the confirmation could not be stored", { status: 503 }) });
 */
export interface HonoFlashOptions
  extends Omit<FlashAdapterOptions<(error: unknown, c: Context) => CommitErrorResult>, "secret"> {
  /**
   * The secret (or secrets, newest first) of the default cookie store: at least 32 bytes. A function
   * is called on every request with the context (`c.env` holds Cloudflare Workers' secret bindings)
   * and returns the secret, or a promise of it; each distinct secret gets its store once. A request
   * for which it returns nothing fails with `FlashError` `ERR_FLASH_CONFIG`.
   * @default process.env.FLASH_SECRET; where it has none on Cloudflare Workers (or in a runtime
   * without `process`), `c.env.FLASH_SECRET` of each request, and an `ERR_FLASH_CONFIG` error when
   * that is missing too
   * @example secret: (c) => c.env.FLASH_SECRET
   */
  secret?: FlashSecrets | SecretResolver<[c: Context]>;
}

/**
 * Creates the Hono middleware. Install it before the routes that flash or read.
 *
 * A handler that throws still commits, as Flask saves the session on a 500: Hono turns the error into
 * the `onError` response before this middleware resumes, and the cookies go on that response.
 *
 * The secret: the `secret` option, a value or a function of the context; else
 * `process.env.FLASH_SECRET`; else, on Cloudflare Workers (whose `process.env` holds the bindings only
 * under `nodejs_compat`), `c.env.FLASH_SECRET` of each request.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work, and from a
 * request that brings no secret when the secret comes with the request.
 * @example
 * import { Hono } from "hono";
 * import { flash } from "flashkit/hono";
 *
 * const app = new Hono();
 * app.use(flash({ secret: process.env.FLASH_SECRET }));
 * app.post("/update_profile", (c) => {
 *   c.var.flash("Profile updated successfully!", "success");
 *   return c.redirect("/profile");
 * });
 * app.get("/profile", (c) => c.json(c.var.getFlashedMessages({ withCategories: true })));
 */
export function flash<M extends FlashMap = RegisteredFlashes>(
  options: HonoFlashOptions | Flash<M> = {},
): MiddlewareHandler {
  const adapterOptions = options as FlashAdapterOptions<unknown> | Flash<M>;
  const instanceFor = flashResolver<M, [Context]>(adapterOptions, {
    adapter: "flashkit/hono",
    bindings: (c) => c.env,
    example: "secret: (c) => c.env.MY_SECRET",
    check: (instance) => refuseSessionStore(instance as Flash<FlashMap>, "flashkit/hono"),
  });
  const logger = loggerOf(adapterOptions);
  const { onCommitError } = options as HonoFlashOptions;

  return async function flashkitHono(c, next) {
    if (c.get("flash")) {
      await next();
      return;
    }
    const made = instanceFor(c);
    const instance = isPromise(made) ? await made : made;
    const scope = openFetchFlash(instance, cookieHeaderOf(c), logger, requestOf(c));
    c.set("flash", scope.flash as unknown as FlashFunction<RegisteredFlashes>);
    c.set("getFlashedMessages", scope.flash.getFlashedMessages as FlashJar<RegisteredFlashes>["getFlashedMessages"]);
    c.set("get_flashed_messages", flaskTemplateFunction(scope.jar as FlashJar<FlashMap>));
    const loading = scope.load();
    if (loading) await loading;
    await next();
    const settling = scope.settleOnto(c.res, onCommitError, c);
    const response = settling instanceof Promise ? await settling : settling;
    if (response !== c.res) {
      // Hono's setter merges the old response's Set-Cookie over the new one's: clear it first.
      c.res = undefined;
      c.res = response;
    }
  };
}

/**
 * The request's `Cookie` header. On Node, @hono/node-server passes Node's own request as
 * `c.env.incoming`, whose headers Node has already parsed (and joined, for HTTP/2's split cookie
 * fields, with "; " as a Fetch `Headers` does); `c.req.raw.headers` would build a Fetch `Headers`
 * object for this one header. Elsewhere (Bun, Deno, workers, `app.request()`) the Fetch request's.
 */
function cookieHeaderOf(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: NodeIncomingLike } | undefined)?.incoming;
  if (typeof incoming === "object" && incoming !== null && Array.isArray(incoming.rawHeaders)) {
    const cookie = incoming.headers?.cookie;
    return typeof cookie === "string" ? cookie : undefined;
  }
  return c.req.raw.headers.get("cookie") ?? undefined;
}

/**
 * The request whose method and headers tell a side request: Node's own on Node (its headers are
 * parsed already), else the Fetch request.
 */
function requestOf(c: Context): FetchRequestLike {
  const incoming = (c.env as { incoming?: FetchRequestLike & NodeIncomingLike } | undefined)?.incoming;
  return typeof incoming === "object" && incoming !== null && Array.isArray(incoming.rawHeaders) ? incoming : c.req.raw;
}

/** The part of Node's `IncomingMessage` (or `Http2ServerRequest`) {@link cookieHeaderOf} reads. */
interface NodeIncomingLike {
  readonly rawHeaders?: unknown;
  readonly headers?: { readonly cookie?: unknown };
}
