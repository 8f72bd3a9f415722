/**
 * Koa 2 and 3 adapter: `app.use(flash({ secret }))`, then `ctx.flash()` and
 * `ctx.getFlashedMessages()` in middleware and `get_flashed_messages()` in templates (`ctx.state`,
 * where koa-views and friends look). The delta is committed after `await next()`, before Koa sends
 * the body, so it reaches every response Koa sends: redirects, HTML, JSON, buffers and streams.
 */
import type { Middleware } from "koa";
import type { Flash } from "../core/create-flash.js";
import type { FlashJar } from "../core/jar.js";
import { assignTemplateFunctions, type FlashFunction, type FlashTemplateFunctions } from "../core/request-api.js";
import { headerOfRecord, isSideRequest } from "../core/side-requests.js";
import type { FlashLogger, FlashMap, FlashRequest, RegisteredFlashes } from "../core/types.js";
import type { FlashAdapterOptions, RequestApi } from "./shared.js";
import { defineRequestAccessors, loggerOf, REQUEST_JAR, requestApi, resolveFlash, settle } from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

declare module "koa" {
  interface DefaultContext {
    /**
     * Flashes a message for the next request: `ctx.flash(message, category = "message")`.
     * Also `ctx.flash.now()`, `ctx.flash.keep()`, `ctx.flash.peek()`.
     */
    flash: FlashFunction<RegisteredFlashes>;
    /** Flask's `get_flashed_messages()`: the first call consumes every pending message. */
    getFlashedMessages: FlashJar<RegisteredFlashes>["getFlashedMessages"];
  }
  interface DefaultState {
    /** Flask's template function, with its keyword arguments (`with_categories`, `category_filter`). */
    get_flashed_messages: FlashTemplateFunctions["get_flashed_messages"];
    /** `getFlashedMessages({ withCategories, categoryFilter })` for templates. */
    getFlashedMessages: FlashJar<RegisteredFlashes>["getFlashedMessages"];
  }
}

/**
 * Options of the Koa middleware. Its `onCommitError(error, ctx)` runs when the commit after your
 * middleware fails, after the warning and before Koa sends the response, so it can still change it
 * (`ctx.status`, `ctx.body`, `ctx.redirect()`); it runs too when a downstream middleware threw, before
 * the error propagates. To decide in the route instead, use `await ctx.flash.save()`.
 *
 * @example
 * flash({
 *   onCommitError: (error, ctx) => {
 *     ctx.status = 503;
 *     ctx.body = "Saved, but the confirmation could not be stored";
 *   },
 * });
 */
export type KoaFlashOptions = FlashAdapterOptions<
  (error: unknown, ctx: Parameters<Middleware>[0]) => void | Promise<void>
>;

const INSTALLED: unique symbol = Symbol.for("flashkit.koa") as never;
type KoaLikeContext = Parameters<Middleware>[0] & {
  session?: Record<string, unknown> | null;
  [REQUEST_JAR]?: KoaFlashRequest;
};

/**
 * Creates the Koa middleware. Install it before the routes, after koa-session when you use the
 * session store, and before your own error-handling middleware if that middleware flashes.
 *
 * Errors: when a downstream middleware throws, the delta is still committed, as Flask saves the
 * session on a 500, and the error propagates. The `Set-Cookie` headers stay on `ctx.response` for an
 * error handler above this middleware, and are also copied into `err.headers`, because Koa's default
 * error handler removes every header before it re-applies `err.headers`.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work.
 * @example
 * import Koa from "koa";
 * import { flash } from "flashkit/koa";
 *
 * const app = new Koa();
 * app.use(flash({ secret: process.env.FLASH_SECRET }));
 * app.use(async (ctx) => {
 *   if (ctx.method === "POST") {
 *     ctx.flash("Profile updated successfully!", "success");
 *     return ctx.redirect("/profile");
 *   }
 *   ctx.body = ctx.getFlashedMessages({ withCategories: true });
 * });
 */
export function flash<M extends FlashMap = RegisteredFlashes>(options: KoaFlashOptions | Flash<M> = {}): Middleware {
  const instance = resolveFlash<M>(options);
  const logger = loggerOf(options);
  const { onCommitError } = options as KoaFlashOptions;

  return async function flashkitKoa(rawCtx, next) {
    const ctx = rawCtx as KoaLikeContext;
    if (ctx[REQUEST_JAR] !== undefined) return next();

    const request = new KoaFlashRequest(ctx, instance as Flash<FlashMap>);
    ctx[REQUEST_JAR] = request;
    // ctx.flash and ctx.getFlashedMessages are accessors on the app's context prototype (ctx.app.context),
    // defined once; the template functions go in ctx.state, a new object per request.
    const proto = Object.getPrototypeOf(ctx) as object;
    if (!Object.hasOwn(proto, INSTALLED)) {
      defineRequestAccessors(proto, INSTALLED, (target) => (target as KoaLikeContext)[REQUEST_JAR]?.api);
    }
    const { jar } = request;
    assignTemplateFunctions(ctx.state, jar);

    const loading = jar.load();
    if (loading) await loading;
    try {
      await next();
    } catch (error) {
      await request.settleUnlessSent(logger, onCommitError);
      carrySetCookies(error, request.written ?? []);
      throw error;
    }
    // No await for a synchronous store: each one costs a turn of the microtask queue.
    const committing = request.settleUnlessSent(logger, onCommitError);
    if (committing) await committing;
  };
}

/**
 * The store's view of one Koa request, and flashkit's state for it (kept on `ctx` under
 * `REQUEST_JAR`). A class, not an object literal with a getter: a literal's getter is a new function
 * per request, which gives every request object its own hidden class (and costs garbage collection
 * on every request).
 */
class KoaFlashRequest implements FlashRequest {
  readonly cookieHeader: string | undefined;
  readonly jar: FlashJar<FlashMap>;
  /** The Set-Cookie headers appended, for `err.headers` when a downstream middleware throws. */
  written: string[] | undefined;
  #api: RequestApi | undefined;
  readonly #ctx: KoaLikeContext;

  constructor(ctx: KoaLikeContext, instance: Flash<FlashMap>) {
    this.#ctx = ctx;
    this.cookieHeader = ctx.headers.cookie;
    this.jar = instance.open(this);
  }

  appendSetCookie(header: string): void {
    if (this.written) this.written.push(header);
    else this.written = [header];
    this.#ctx.append("Set-Cookie", header);
  }

  get session(): Record<string, unknown> | undefined {
    return this.#ctx.session ?? undefined;
  }

  get sideRequest(): boolean {
    return isSideRequest(this.#ctx.method, this.#ctx.headers, headerOfRecord);
  }

  /**
   * Settles the jar (commits it, a failure warned and handed to `onError`) unless Koa's response
   * already went out (then warns when there was work to save).
   */
  settleUnlessSent(logger: FlashLogger, onError: KoaFlashOptions["onCommitError"]): void | Promise<void> {
    if (!this.#ctx.headerSent) return settle(this.jar, logger, onError, this.#ctx) as void | Promise<void>;
    if (this.jar.touched) {
      logger.warn("flashkit: the response went out before flash messages could be saved (ctx.respond = false?)");
    }
  }

  /** `ctx.flash` and `ctx.getFlashedMessages`, made on first use. */
  get api(): RequestApi {
    this.#api ??= requestApi(this.jar);
    return this.#api;
  }
}

/** Adds this request's Set-Cookie headers to `err.headers`, which Koa's default error handler applies. */
function carrySetCookies(error: unknown, setCookies: readonly string[]): void {
  if (setCookies.length === 0 || typeof error !== "object" || error === null) return;
  const target = error as { headers?: Record<string, unknown> };
  const headers = { ...target.headers };
  const name = Object.keys(headers).find((key) => key.toLowerCase() === "set-cookie") ?? "Set-Cookie";
  const existing = headers[name];
  headers[name] = (existing === undefined ? [] : ([] as unknown[]).concat(existing)).concat(setCookies);
  try {
    target.headers = headers;
  } catch {
    // A frozen error: its response loses the cookies, exactly as without flashkit.
  }
}
