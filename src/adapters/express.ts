/**
 * Express 4 and 5 adapter: `app.use(flash({ secret }))`, then `req.flash()` in routes and
 * `get_flashed_messages()` in templates. The delta is committed just before the response headers
 * go out, however the response is sent (redirect, render, send, end, pipe).
 */
import { IncomingMessage, ServerResponse } from "node:http";
import type { Flash } from "../core/create-flash.js";
import { FlashJar } from "../core/jar.js";
import { assignTemplateFunctions, type FlashFunction } from "../core/request-api.js";
import { headerOfRecord, isSideRequest } from "../core/side-requests.js";
import type { FlashLogger, FlashMap, FlashRequest, RegisteredFlashes } from "../core/types.js";
import type { ExpressRequestFlash, FlashAdapterOptions, RequestApi } from "./shared.js";
import { defineRequestAccessors, loggerOf, REQUEST_JAR, requestApi, resolveFlash, settle } from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

declare global {
  namespace Express {
    interface Request {
      /**
       * Flashes a message for the next request: `req.flash(message, category = "message")`.
       * Also `req.flash.now()`, `req.flash.keep()`, `req.flash.peek()`.
       */
      flash: ExpressRequestFlash;
      /** Flask's `get_flashed_messages()`: the first call consumes every pending message. */
      getFlashedMessages: FlashJar<RegisteredFlashes>["getFlashedMessages"];
    }
  }
}

declare module "./shared.js" {
  interface ExpressRequestFlash extends FlashFunction<RegisteredFlashes> {}
}

/**
 * Options of the Express middleware. No `onCommitError`: the delta is committed inside
 * `res.writeHead()`/`res.end()`, when the route has already chosen the response; a failed commit
 * warns. To decide in the route, use `await req.flash.save()`.
 */
export type ExpressFlashOptions = FlashAdapterOptions;

type Next = (error?: unknown) => void;
/** Marks an Express app's request prototype that carries flashkit's accessors. */
const INSTALLED: unique symbol = Symbol.for("flashkit.express") as never;
type ExpressLikeRequest = IncomingMessage &
  Pick<Express.Request, "flash" | "getFlashedMessages"> & {
    session?: Record<string, unknown>;
    [REQUEST_JAR]?: ExpressFlashRequest;
  };
type ExpressLikeResponse = ServerResponse & {
  locals?: Record<string | symbol, unknown> & { [REQUEST_JAR]?: ExpressFlashRequest };
};

/**
 * Creates the Express middleware. Install it before the routes (and after a session middleware
 * when you use the session store).
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work.
 * @example
 * import express from "express";
 * import { flash } from "flashkit/express";
 *
 * const app = express();
 * app.use(flash({ secret: process.env.FLASH_SECRET }));
 * app.post("/update_profile", (req, res) => {
 *   req.flash("Profile updated successfully!", "success");
 *   res.redirect("/profile");
 * });
 */
export function flash<M extends FlashMap = RegisteredFlashes>(
  options: ExpressFlashOptions | Flash<M> = {},
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const instance = resolveFlash<M>(options);
  const logger = loggerOf(options);
  const usesSession = instance.store.usesSession === true;
  hookServerResponses();

  return function flashkitExpress(rawReq: IncomingMessage, rawRes: ServerResponse, next: Next): void {
    const req = rawReq as ExpressLikeRequest;
    const res = rawRes as ExpressLikeResponse;
    if (ExpressFlashRequest.of(res, req) !== undefined) {
      next();
      return;
    }

    const state = new ExpressFlashRequest(instance as Flash<FlashMap>, req, res, logger);
    const { jar } = state;
    // The state goes in res.locals, Express's object for this response, and only on a bare Node
    // server on req: Express swaps each req's prototype (to app.request), and V8 then adds a
    // property to that req slowly, on every request.
    const { locals } = res;
    if (locals) {
      locals[REQUEST_JAR] = state;
      assignTemplateFunctions(locals, jar);
    } else {
      req[REQUEST_JAR] = state;
    }

    // On Express, req inherits from the app's own prototype (app.request): flashkit's functions go
    // there, once. On a bare Node server they go on each request.
    const requestProto = Object.getPrototypeOf(req) as object;
    // Only a prototype below IncomingMessage's (an Express app's) is shared: anything else (a test's
    // `{ session: {} }`) gets own properties, or flashkit's accessors would land on Object.prototype.
    if (requestProto === IncomingMessage.prototype || !(req instanceof IncomingMessage)) {
      req.flash = state.api.flash as unknown as ExpressRequestFlash;
      req.getFlashedMessages = state.api.getFlashedMessages;
    } else if (!Object.hasOwn(requestProto, INSTALLED)) {
      // Accessors on the shared prototype, not own properties on every request: V8 adds properties to
      // these large objects slowly.
      defineRequestAccessors(requestProto, INSTALLED, (target) => {
        const { res } = target as { res?: ExpressLikeResponse };
        return res ? ExpressFlashRequest.of(res, target as ExpressLikeRequest)?.api : undefined;
      });
    }
    // With the session store the messages must be in the session before the session middleware's
    // own res.end (mounted earlier, so wrapped here) saves it: this response gets wrappers of its own,
    // as does a response that does not inherit Node's (a test's mock).
    if (usesSession || !(res instanceof ServerResponse)) hookResponse(res, res);

    const loading = jar.load();
    if (loading) loading.then(() => next(), next);
    else next();
  };
}

/**
 * The store's view of one Express request, and flashkit's state for it (kept on the request under
 * `REQUEST_JAR`). A class, not an object literal with a getter: a literal's getter is a new function
 * per request, which gives every request object its own hidden class (and costs garbage collection
 * on every request).
 */
class ExpressFlashRequest implements FlashRequest {
  readonly cookieHeader: string | undefined;
  readonly jar: FlashJar<FlashMap>;
  /** The instance that opened the jar, which `flashOf()` checks. */
  readonly instance: Flash<FlashMap>;
  /** The commit of an asynchronous store, which `res.end()` waits for. */
  committing: Promise<void> | undefined;
  /** The `Set-Cookie` headers flashkit added to this response, kept through `writeHead(status, headers)`. */
  setCookies: string[] | undefined;
  #api: RequestApi | undefined;
  readonly #req: ExpressLikeRequest;
  readonly #res: ServerResponse;
  readonly #logger: FlashLogger;

  constructor(instance: Flash<FlashMap>, req: ExpressLikeRequest, res: ServerResponse, logger: FlashLogger) {
    this.#req = req;
    this.#res = res;
    this.#logger = logger;
    // A mock request (connect-flash's own tests pass `{ session: {} }`) may have no headers: no cookies.
    this.cookieHeader = (req.headers as IncomingMessage["headers"] | undefined)?.cookie;
    this.instance = instance;
    this.jar = instance.open(this);
  }

  appendSetCookie(header: string): void {
    this.#res.appendHeader("Set-Cookie", header);
    if (this.setCookies === undefined) this.setCookies = [header];
    else this.setCookies.push(header);
  }

  get session(): Record<string, unknown> | undefined {
    return this.#req.session;
  }

  get sideRequest(): boolean {
    return isSideRequest(this.#req.method, this.#req.headers, headerOfRecord);
  }

  /** `req.flash` and `req.getFlashedMessages`, made on first use. */
  get api(): RequestApi {
    this.#api ??= requestApi(this.jar);
    return this.#api;
  }

  /** Settles the jar (commits it, warning on failure) once, before the response headers go out. */
  settleBeforeHeaders(): void {
    if (this.jar.committed) return;
    const result = settle(this.jar, this.#logger);
    if (result) this.committing = result;
  }

  /** The state of the request `res` answers, when flashkit/express opened it (see the middleware). */
  static of(res: ExpressLikeResponse, req?: ExpressLikeRequest): ExpressFlashRequest | undefined {
    // Each property read on Express's req and res is slow (their prototypes were swapped): res.req
    // is read only on a bare Node server, where the state is on the request.
    const held = res.locals?.[REQUEST_JAR] ?? (req ?? (res.req as ExpressLikeRequest | undefined))?.[REQUEST_JAR];
    return held instanceof ExpressFlashRequest ? held : undefined;
  }
}

/**
 * Wraps `writeHead` and `end` of Node's `ServerResponse.prototype`, once per process, when the first
 * middleware is created: before any request, so that every wrapper another middleware puts on a
 * response (express-session's and compression's `res.end`, on-headers' `res.writeHead`, whichever
 * side of flashkit it is mounted) captures flashkit's and calls through it. Every Express response
 * inherits from this prototype (through `app.response`); responses that flashkit did not open pass
 * straight through.
 */
function hookServerResponses(): void {
  if (Object.hasOwn(ServerResponse.prototype, HOOKED)) return;
  Object.defineProperty(ServerResponse.prototype, HOOKED, { value: true });
  hookResponse(ServerResponse.prototype, undefined);
}

/**
 * Marks Node's response prototype as hooked by this copy of flashkit. Not a registered symbol: two
 * copies of the package in one process each hook it, each committing only the requests it opened.
 */
const HOOKED: unique symbol = Symbol("flashkit.express.responses") as never;

/**
 * Wraps `writeHead` and `end` of `target` (Node's response prototype, or one response) so that the
 * jar of the request being answered is committed before the headers go out, and `end()` waits for
 * an asynchronous store's commit. `only` limits the wrappers to one response.
 */
function hookResponse(target: object, only: ServerResponse | undefined): void {
  const response = target as ServerResponse;
  const { writeHead, end } = response;
  const stateOf = (res: ServerResponse) =>
    only === undefined || res === only ? ExpressFlashRequest.of(res) : undefined;
  // `arguments`, not rest parameters: V8 forwards it to apply() without making an array.
  response.writeHead = function flashkitWriteHead(this: ServerResponse) {
    const state = stateOf(this);
    if (state !== undefined) {
      state.settleBeforeHeaders();
      // biome-ignore lint/complexity/noArguments: read only when flashkit set cookies on this response
      if (state.setCookies !== undefined) return writeHeadKeepingCookies(this, writeHead, arguments, state.setCookies);
    }
    // biome-ignore lint/complexity/noArguments: forwarded as is, on every response
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, arguments as never);
  } as typeof response.writeHead;
  response.end = function flashkitEnd(this: ServerResponse) {
    const state = stateOf(this);
    if (state && !this.headersSent) state.settleBeforeHeaders();
    // biome-ignore lint/complexity/noArguments: forwarded as is, on every response
    if (!state?.committing) return (end as (...a: unknown[]) => ServerResponse).apply(this, arguments as never);
    // biome-ignore lint/complexity/noArguments: kept for the deferred end()
    const args = Array.from(arguments);
    state.committing.then(() => (end as (...a: unknown[]) => ServerResponse).apply(this, args));
    return this;
  } as typeof response.end;
}

/**
 * Calls Node's `writeHead` so that a `Set-Cookie` in its headers argument (`writeHead(303, {
 * "Set-Cookie": ... })`, or the flat array form) adds to flashkit's cookies: Node applies that
 * argument with `setHeader()` after flashkit appended its own, which would replace them.
 */
function writeHeadKeepingCookies(
  res: ServerResponse,
  writeHead: ServerResponse["writeHead"],
  args: IArguments,
  flashCookies: readonly string[],
): ServerResponse {
  const forwarded = Array.from(args) as unknown[];
  const headersAt = typeof forwarded[1] === "string" ? 2 : 1;
  const headers = forwarded[headersAt];
  if (Array.isArray(headers)) {
    // Node 20 applies each pair with setHeader() (the last Set-Cookie wins), Node 22 appends them:
    // one pair holding every cookie works on both.
    const rest: unknown[] = [];
    const cookies: unknown[] = [];
    for (let index = 0; index < headers.length; index += 2) {
      if (String(headers[index]).toLowerCase() === "set-cookie") cookies.push(headers[index + 1]);
      else rest.push(headers[index], headers[index + 1]);
    }
    if (cookies.length > 0) forwarded[headersAt] = [...rest, "Set-Cookie", [...cookies.flat(), ...flashCookies]];
  } else if (typeof headers === "object" && headers !== null) {
    const key = Object.keys(headers).find((name) => name.toLowerCase() === "set-cookie");
    if (key !== undefined) {
      const given = (headers as Record<string, unknown>)[key];
      const own = given === undefined ? [] : Array.isArray(given) ? given : [given];
      forwarded[headersAt] = { ...headers, [key]: [...own, ...flashCookies] };
    }
  }
  return (writeHead as (...a: unknown[]) => ServerResponse).apply(res, forwarded);
}

type JarHolder = { [REQUEST_JAR]?: FlashJar<FlashMap> | { readonly jar?: FlashJar<FlashMap> } };

/**
 * The jar flashkit/express opened for `req` (kept in `res.locals`, or on `req` on a bare Node server),
 * for middleware built over it, as flashkit/connect-flash is; `undefined` before the middleware ran.
 *
 * @example
 * const jar = requestJar(req);
 * jar?.peek();
 */
export function requestJar(req: object): FlashJar<FlashMap> | undefined {
  const held = (req as JarHolder)[REQUEST_JAR] ?? (req as { res?: { locals?: JarHolder } }).res?.locals?.[REQUEST_JAR];
  return held instanceof FlashJar ? held : held?.jar;
}

/**
 * `req.flash` typed by an instance's own categories. `req.flash` itself is typed by `Register` (Express
 * types its request once, for every app), so an app that types per instance (`createFlash<M>()`)
 * flashes through this to have a wrong category or message rejected at compile time.
 *
 * @throws {TypeError} when flashkit/express has not run for `req` (install `flash(instance)` first).
 * @example
 * type AppFlashes = { success: string; error: string };
 * const flashkit = createFlash<AppFlashes>({ store: cookieStore({ secret }) });
 * app.use(flash(flashkit));
 * app.post("/save", (req, res) => {
 *   flashOf(req, flashkit)("Saved", "success");
 *   // flashOf(req, flashkit)("Saved", "sucess"); // compile error
 *   res.redirect(303, "/");
 * });
 */
export function flashOf<M extends FlashMap>(req: object, instance: Flash<M>): FlashFunction<M> {
  const res = (req as { res?: ExpressLikeResponse }).res;
  const state = res ? ExpressFlashRequest.of(res, req as ExpressLikeRequest) : (req as ExpressLikeRequest)[REQUEST_JAR];
  if (!(state instanceof ExpressFlashRequest) || state.instance !== (instance as Flash<FlashMap>)) {
    throw new TypeError("flashOf(req, instance): install app.use(flash(instance)) with this instance before the route");
  }
  return state.api.flash as unknown as FlashFunction<M>;
}
