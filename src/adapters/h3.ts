/**
 * h3 adapter, for h3 v1 (Nitro 2, Nuxt 4) and h3 v2 (Nitro 3): event-handler helpers shaped as h3's
 * own composables (`useSession(event)`, `getCookie(event, name)`), and one middleware for both majors.
 *
 * API (every helper takes the h3 `event` first; `createH3Flash(options)` returns the same five over
 * an instance of your own, the module's exports use `FLASH_SECRET` and the signed-cookie store):
 *
 * - `flashMiddleware`: an event handler that returns nothing. h3 v2: `app.use(flashMiddleware)` (it
 *   commits after the handler, whatever it returned or threw). h3 v1 / Nitro 2:
 *   `app.use(flashMiddleware)`, or `export default flashMiddleware` from `server/middleware/flash.ts`
 *   (optional on v1, where the first helper call opens the jar itself).
 * - `useFlash(event)` → `Promise<FlashFunction>`: `flash(message, category)`, `.now()`, `.keep()`,
 *   `.peek()`, `.getFlashedMessages()`, `.save()`.
 * - `flash(event, message, category = "message")` → `Promise<void>`.
 * - `getFlashedMessages(event, { withCategories, categoryFilter })` → `Promise<messages>`: Flask's
 *   `get_flashed_messages()` (the first read of a request consumes every pending message).
 * - `peekFlashedMessages(event, options)` → `Promise<messages>`: the same, consuming nothing.
 *
 * The commit (`Set-Cookie`) reaches every response. h3 v1: flashkit wraps `writeHead`/`end` of the
 * event's Node response, so a returned value, `sendRedirect()`, a thrown `createError()`, a streamed
 * render or Nitro's error page all carry it. h3 v2: the middleware puts it on `event.res.headers`
 * and `event.res.errHeaders`, which h3 merges into the response it builds from whatever the handler
 * returned (`redirect()`, a `Response`, a value) or threw. Side requests (HEAD, prefetches) peek and
 * consume nothing. Runtime-neutral: no `node:` import, so h3 v2 runs it on Bun, Deno and workers.
 */
import type { Flash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import { type FlashFunction, flashFunction } from "../core/request-api.js";
import { headerOfFetch, headerOfRecord, isSideRequest } from "../core/side-requests.js";
import {
  type CategoryOf,
  type DefaultCategoryMessage,
  type FlashLogger,
  type FlashMap,
  type FlashPair,
  type FlashRequest,
  type GetFlashedMessagesOptions,
  isPromise,
  type MaybePromise,
  type RegisteredFlashes,
} from "../core/types.js";
import { refuseSessionStore } from "./fetch-request.js";
import {
  type FlashAdapterOptions,
  type FlashSecrets,
  flashResolver,
  loggerOf,
  type SecretResolver,
  settle,
} from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

/** The part of Node's `IncomingMessage` (or Nitro's mock of it) an h3 v1 event gives flashkit. */
export interface H3NodeRequestLike {
  readonly method?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The part of Node's `ServerResponse` (or Nitro's mock of it) an h3 v1 event gives flashkit. */
export interface H3NodeResponseLike {
  readonly headersSent: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string | readonly string[]): unknown;
  writeHead(...args: never[]): unknown;
  end(...args: never[]): unknown;
}

/** An h3 v1 `H3Event`: Node's request and response on `event.node`. */
export interface H3V1EventLike {
  readonly node: { readonly req: H3NodeRequestLike; readonly res: H3NodeResponseLike };
  readonly context?: object;
}

/** An h3 v2 `H3Event`: a Fetch `Request` on `event.req`, the response being prepared on `event.res`. */
export interface H3V2EventLike {
  readonly req: { readonly method: string; readonly headers: { get(name: string): string | null } };
  readonly res: { readonly headers: Headers; readonly errHeaders?: Headers };
  readonly context?: object;
}

/** The event every helper takes: h3 v1's or h3 v2's `H3Event` (typed structurally, so either major type-checks). */
export type H3EventLike = H3V1EventLike | H3V2EventLike;

/**
 * Options of {@link createH3Flash}: those of every adapter (`store`, `secret`, `cookie`, limits,
 * `logger`, `onFlash`). No `onCommitError`: on h3 v1 the commit runs inside `writeHead()`/`end()`,
 * when the handler has already chosen the response, and a failed commit warns. To decide in the
 * handler, use `await (await useFlash(event)).save()`.
 *
 * @example
 * createH3Flash({ secret: process.env.FLASH_SECRET, cookie: { secure: true } });
 */
export interface H3FlashOptions extends Omit<FlashAdapterOptions, "secret"> {
  /**
   * The secret (or secrets, newest first) of the default cookie store: at least 32 bytes. A function
   * is called on every request with the event and returns the secret, or a promise of it.
   * @default process.env.FLASH_SECRET; where it has none on Cloudflare Workers (or in a runtime
   * without `process`), `FLASH_SECRET` of the request's bindings (h3 v2's
   * `event.req.runtime.cloudflare.env`, Nitro's `event.context.cloudflare.env`)
   * @example secret: process.env.FLASH_SECRET
   */
  secret?: FlashSecrets | SecretResolver<[event: H3EventLike]>;
}

/**
 * The middleware: an event handler for h3 v1 (`(event)`, marked as h3's `defineEventHandler()` marks
 * its handlers) and an h3 v2 middleware (`(event, next)`), which returns nothing of its own.
 */
export interface H3FlashMiddleware {
  /** h3 v1: opens the request's jar (an `onRequest` hook, a server middleware). */
  (event: H3V1EventLike): Promise<void>;
  /** h3 v2: opens the request's jar, runs `next()` and commits onto what it returned or threw. */
  (event: H3V2EventLike, next: () => unknown): Promise<unknown>;
  /** h3 v1's mark of an event handler (what `defineEventHandler()` sets). */
  readonly __is_handler__: true;
}

/** {@link H3Flash.flash}: flashes `message` in `category` for the event's next request. */
export interface H3FlashHelper<M extends FlashMap> {
  <C extends CategoryOf<M>>(event: H3EventLike, message: M[C], category: C): Promise<void>;
  (event: H3EventLike, message: DefaultCategoryMessage<M>): Promise<void>;
}

/** {@link H3Flash.getFlashedMessages} and {@link H3Flash.peekFlashedMessages}: Flask's read, typed by its options. */
export interface H3ReadHelper<M extends FlashMap> {
  <C extends CategoryOf<M> = CategoryOf<M>>(
    event: H3EventLike,
    options: GetFlashedMessagesOptions<C> & { withCategories: true },
  ): Promise<FlashPair<M, C>[]>;
  <C extends CategoryOf<M> = CategoryOf<M>>(
    event: H3EventLike,
    options?: GetFlashedMessagesOptions<C> & { withCategories?: false },
  ): Promise<M[C][]>;
  <C extends CategoryOf<M> = CategoryOf<M>>(
    event: H3EventLike,
    options?: GetFlashedMessagesOptions<C>,
  ): Promise<Array<M[C] | FlashPair<M, C>>>;
}

/** flashkit for an h3 app, made by {@link createH3Flash}. */
export interface H3Flash<M extends FlashMap = RegisteredFlashes> {
  /**
   * Opens the request's jar and loads its messages. h3 v2: install it (`app.use(flash.middleware)`)
   * before the routes that flash or read; it commits after them. h3 v1: optional (a helper opens the
   * jar on first use); in Nitro 2, `export default flash.middleware` from `server/middleware/flash.ts`.
   */
  readonly middleware: H3FlashMiddleware;
  /**
   * The request's flash function, its messages loaded: `flash(message, category)`, `.now()`, `.keep()`,
   * `.peek()`, `.getFlashedMessages()`, `.save()`. Shaped as h3's `useSession(event)`.
   */
  useFlash(event: H3EventLike): Promise<FlashFunction<M>>;
  /** Flashes `message` in `category` (default `"message"`) for the next request. */
  readonly flash: H3FlashHelper<M>;
  /**
   * Flask's `get_flashed_messages()`: the first read of a request consumes every pending message (all
   * categories) and caches them for the rest of the request; `categoryFilter` filters what is returned.
   * A side request (HEAD, a prefetch) gets the messages and consumes nothing.
   */
  readonly getFlashedMessages: H3ReadHelper<M>;
  /** What {@link getFlashedMessages} would return, consuming nothing. */
  readonly peekFlashedMessages: H3ReadHelper<M>;
}

/**
 * Creates flashkit for an h3 app over one flashkit instance (or adapter options). Its helpers and the
 * module's default ones share each request's jar: the middleware of one instance and `useFlash` of
 * another work on the same messages, and the first to open the request's jar decides its store.
 *
 * @typeParam M - the app's categories, when it types them here rather than through `Register`.
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work (no secret in
 *   production, the session store, which needs Express's, Fastify's or Koa's session middleware).
 * @example
 * import { H3 } from "h3";
 * import { createH3Flash } from "flashkit/h3";
 *
 * const { middleware, flash, getFlashedMessages } = createH3Flash({ secret: process.env.FLASH_SECRET });
 * const app = new H3().use(middleware);
 * app.post("/update_profile", async (event) => {
 *   await flash(event, "Profile updated successfully!", "success");
 *   return redirect("/profile", 303);
 * });
 * app.get("/profile", async (event) => getFlashedMessages(event, { withCategories: true }));
 */
export function createH3Flash<M extends FlashMap = RegisteredFlashes>(
  options: H3FlashOptions | Flash<M> = {},
): H3Flash<M> {
  const instanceFor = resolverOf(options);
  return buildH3Flash<M>(() => instanceFor, options);
}

function resolverOf<M extends FlashMap>(
  options: H3FlashOptions | Flash<M>,
): (event: H3EventLike) => MaybePromise<Flash<FlashMap>> {
  return flashResolver<FlashMap, [H3EventLike]>(options as FlashAdapterOptions<unknown> | Flash<FlashMap>, {
    adapter: "flashkit/h3",
    bindings: bindingsOf,
    example: "secret: (event) => event.req.runtime.cloudflare.env.MY_SECRET",
    check: (instance) => refuseSessionStore(instance, "flashkit/h3"),
  });
}

/** Cloudflare's bindings of a request: h3 v2's `event.req.runtime.cloudflare.env`, Nitro 2's `event.context.cloudflare.env`. */
function bindingsOf(event: H3EventLike): unknown {
  const runtime = (event as { req?: { runtime?: { cloudflare?: { env?: unknown } } } }).req?.runtime;
  return runtime?.cloudflare?.env ?? (event.context as { cloudflare?: { env?: unknown } } | undefined)?.cloudflare?.env;
}

/** Each request's flash state, by its h3 v1 Node response or its h3 v2 `Request`. */
const REQUESTS = new WeakMap<object, H3FlashRequest>();

/** Whether `event` is h3 v2's: its `req` is a Fetch `Request` (h3 v1's deprecated `event.req` is Node's, whose headers are a record). */
function isV2Event(event: H3EventLike): event is H3V2EventLike {
  const headers = (event as { req?: { headers?: { get?: unknown } } }).req?.headers;
  return typeof headers?.get === "function";
}

function keyOf(event: H3EventLike): object {
  if (isV2Event(event)) return event.req;
  const res = (event as H3V1EventLike).node?.res;
  if (typeof res !== "object" || res === null) {
    throw new TypeError("flashkit/h3: pass the h3 event (an H3Event of h3 v1 or v2)");
  }
  return res;
}

/**
 * The store's view of one h3 request and flashkit's state for it: the jar, where its `Set-Cookie`
 * headers go (h3 v1's Node response, h3 v2's prepared headers), and whether a side request.
 */
class H3FlashRequest implements FlashRequest {
  readonly cookieHeader: string | undefined;
  readonly jar: FlashJar<FlashMap>;
  readonly loading: void | Promise<void>;
  readonly #event: H3EventLike;
  readonly #logger: FlashLogger;
  #flash: FlashFunction<FlashMap> | undefined;

  constructor(instance: Flash<FlashMap>, event: H3EventLike, logger: FlashLogger) {
    this.#event = event;
    this.#logger = logger;
    if (isV2Event(event)) {
      this.cookieHeader = event.req.headers.get("cookie") ?? undefined;
    } else {
      const cookie = event.node.req.headers.cookie;
      this.cookieHeader = Array.isArray(cookie) ? cookie.join("; ") : cookie;
    }
    this.jar = instance.open(this);
    this.loading = this.jar.load();
  }

  get sideRequest(): boolean {
    const event = this.#event;
    if (isV2Event(event)) return isSideRequest(event.req.method, event.req.headers, headerOfFetch);
    return isSideRequest(event.node.req.method, event.node.req.headers, headerOfRecord);
  }

  get flash(): FlashFunction<FlashMap> {
    this.#flash ??= flashFunction(this.jar);
    return this.#flash;
  }

  appendSetCookie(header: string): void {
    const event = this.#event;
    if (isV2Event(event)) {
      // h3 v2 merges `headers` into a response built from a value or a Response below 400, and
      // `errHeaders` into an error's: each response takes exactly one of them.
      event.res.headers.append("set-cookie", header);
      event.res.errHeaders?.append("set-cookie", header);
      return;
    }
    const res = event.node.res;
    const current = res.getHeader("set-cookie");
    const list = current === undefined ? [] : Array.isArray(current) ? current.map(String) : [String(current)];
    list.push(header);
    res.setHeader("set-cookie", list);
  }

  /** Commits the jar once (a failure warns); returns the commit of an asynchronous store. */
  settle(): Promise<unknown> | undefined {
    if (this.jar.committed) return;
    return settle(this.jar, this.#logger);
  }
}

/**
 * Wraps `writeHead`, `write` and `end` of one h3 v1 response so that the request's jar is committed
 * before its headers go out, however h3 sends it (`send()`'s `end()`, a streamed body's `write()`s,
 * `sendNoContent()`'s `writeHead()`), and so that, while an asynchronous store (Web Crypto's signing,
 * Redis) commits, those calls wait for it, in order, and the headers leave with its cookies.
 */
function hookNodeResponse(event: H3V1EventLike, state: H3FlashRequest): void {
  type Method = (...args: unknown[]) => unknown;
  const target = event.node.res as unknown as Record<"writeHead" | "write" | "end", Method>;
  let waiting: Array<() => void> | undefined;
  const gated = (method: Method, queuedResult: (self: unknown) => unknown): Method =>
    function flashkitGated(this: H3NodeResponseLike, ...args: unknown[]) {
      if (waiting === undefined && !this.headersSent) {
        const committing = state.settle();
        if (committing) {
          const calls: Array<() => void> = [];
          waiting = calls;
          // h3 v1 takes a response that has not ended for unanswered and runs its next handler (a
          // 404): its event's own flag says this one is answered.
          if ("_handled" in event) (event as { _handled: boolean })._handled = true;
          committing.then(() => {
            waiting = undefined;
            for (const call of calls) call();
          });
        }
      }
      if (waiting === undefined) return method.apply(this, args);
      waiting.push(() => method.apply(this, args));
      return queuedResult(this);
    };
  const { writeHead, write, end } = target;
  target.writeHead = gated(writeHead, (self) => self);
  if (typeof write === "function") target.write = gated(write, () => true);
  target.end = gated(end, (self) => self);
}

function buildH3Flash<M extends FlashMap>(
  resolver: () => (event: H3EventLike) => MaybePromise<Flash<FlashMap>>,
  options: H3FlashOptions | Flash<M>,
): H3Flash<M> {
  const logger = loggerOf(options as FlashAdapterOptions<unknown> | Flash<never>);

  const open = async (event: H3EventLike, byMiddleware: boolean): Promise<H3FlashRequest> => {
    const key = keyOf(event);
    let state = REQUESTS.get(key);
    if (state === undefined) {
      if (isV2Event(event) && !byMiddleware) {
        throw new FlashError(
          "ERR_FLASH_CONFIG",
          "flashkit/h3: on h3 v2, install the middleware before the routes that flash or read: " +
            "app.use(flashMiddleware) (or createH3Flash(options).middleware)",
        );
      }
      const made = resolver()(event);
      const instance = isPromise(made) ? await made : made;
      state = REQUESTS.get(key);
      if (state === undefined) {
        state = new H3FlashRequest(instance, event, logger);
        REQUESTS.set(key, state);
        if (!isV2Event(event)) hookNodeResponse(event as H3V1EventLike, state);
      }
    }
    if (state.loading) await state.loading;
    return state;
  };

  const middleware = async function flashkitH3(event: H3EventLike, next?: () => unknown): Promise<unknown> {
    const opened = REQUESTS.has(keyOf(event));
    const state = await open(event, true);
    // h3 v1 calls a middleware without `next` and commits through the Node response; a second
    // middleware on the same request leaves the commit to the first.
    if (typeof next !== "function" || opened) return typeof next === "function" ? next() : undefined;
    let result: unknown;
    try {
      result = await next();
    } catch (error) {
      const settling = state.settle();
      if (settling) await settling;
      throw error;
    }
    const settling = state.settle();
    if (settling) await settling;
    return result;
  } as H3FlashMiddleware;
  Object.defineProperty(middleware, "__is_handler__", { value: true, enumerable: true });

  const useFlash = async (event: H3EventLike) => (await open(event, false)).flash as unknown as FlashFunction<M>;
  return {
    middleware,
    useFlash,
    flash: (async (event: H3EventLike, message: unknown, category?: string) => {
      const { jar } = await open(event, false);
      if (category === undefined) jar.flash(message);
      else jar.flash(message, category);
    }) as H3FlashHelper<M>,
    getFlashedMessages: (async (event: H3EventLike, options?: GetFlashedMessagesOptions) =>
      (await open(event, false)).jar.getFlashedMessages(options)) as H3ReadHelper<M>,
    peekFlashedMessages: (async (event: H3EventLike, options?: GetFlashedMessagesOptions) =>
      (await open(event, false)).jar.peek(options)) as H3ReadHelper<M>,
  };
}

/**
 * The helpers over the default options (`FLASH_SECRET`, the signed-cookie store), made on first use so
 * that importing them never fails (a build that evaluates the module has no secret): the first request
 * fails instead when production has no `FLASH_SECRET`.
 */
const defaults = buildH3Flash<RegisteredFlashes>(lazyDefaultResolver(), {});

function lazyDefaultResolver(): () => (event: H3EventLike) => MaybePromise<Flash<FlashMap>> {
  let resolver: ((event: H3EventLike) => MaybePromise<Flash<FlashMap>>) | undefined;
  return () => {
    resolver ??= resolverOf({});
    return resolver;
  };
}

/**
 * The default instance's helpers (the signed-cookie store, `FLASH_SECRET`), for apps that configure
 * nothing. Typed through `Register`. For options (a store, cookie attributes, limits), use
 * {@link createH3Flash}; its middleware and these helpers share each request's jar.
 *
 * @example
 * // h3 v2
 * import { H3, redirect } from "h3";
 * import { flash, flashMiddleware, getFlashedMessages } from "flashkit/h3";
 *
 * const app = new H3().use(flashMiddleware);
 * app.post("/update_profile", async (event) => {
 *   await flash(event, "Profile updated successfully!", "success");
 *   return redirect("/profile", 303);
 * });
 * app.get("/profile", (event) => getFlashedMessages(event, { withCategories: true }));
 */
export const { middleware: flashMiddleware, useFlash, flash, getFlashedMessages, peekFlashedMessages } = defaults;
