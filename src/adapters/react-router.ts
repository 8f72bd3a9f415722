/**
 * React Router 7 adapter (framework mode): loaders and actions flash and read through the route's
 * `request` and return the `Set-Cookie` headers that commit it, with remix-toast's helpers in
 * flashkit's terms (`redirectWithSuccess`, `dataWithError`, `replaceWithInfo`, `getFlashes`, ...);
 * or, where the app enables React Router's middleware (`future.v8_middleware`), the root's
 * `middleware` export holds one jar per request and commits it onto the response.
 *
 * Every function takes what a loader or action receives (`{ request, context }`) or its `request`:
 * with the middleware installed, the arguments find the middleware's jar through `context`; without
 * it, the first call for a `request` opens its jar and the helper that returns a response or headers
 * commits it. Runtime-neutral: no `node:` import.
 */
import {
  createContext,
  data,
  type MiddlewareFunction,
  type RouterContext,
  redirect,
  replace,
  type Session,
  type SessionStorage,
} from "react-router";
import type { Flash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashFunction } from "../core/request-api.js";
import type {
  CategoryOf,
  FlashDelta,
  FlashMap,
  FlashPair,
  FlashRequest,
  FlashStore,
  RegisteredFlashes,
  StoredFlash,
} from "../core/types.js";
import { type SessionStoreOptions, sessionStore } from "../stores/session.js";
import { type CommitErrorResult, type FetchFlashScope, openFetchFlash, refuseSessionStore } from "./fetch-request.js";
import { type FlashAdapterOptions, loggerOf, resolveFlash } from "./shared.js";

/**
 * Options of {@link createReactRouterFlash}. Its `onCommitError(error, request, response)` runs when a
 * commit onto a response fails (the middleware's, and `redirectWith…`/`replaceWith…` without it), after
 * the warning: a `Response` it returns is sent instead. Commits that return headers or data
 * (`getFlashes`, `dataWith…`, `flashHeaders`) only warn; to decide in the route, use
 * `await (await flashOf(args)).save()`.
 *
 * @example
 * createReactRouterFlash({ secret: process.env.FLASH_SECRET, onCommitError: () => new Response("Try again", { status: 503 }) });
 */
export type ReactRouterFlashOptions = FlashAdapterOptions<
  (error: unknown, request: Request, response: Response) => CommitErrorResult
>;

/**
 * What every function takes: a loader's or action's arguments (`{ request, context }`), which reach
 * the middleware's jar when the app installed it, or the `request` alone.
 */
export type FlashSource = Request | { readonly request: Request; readonly context?: unknown };

/** What {@link ReactRouterFlash.getFlashes} resolves to: the messages, and the headers that consume them. */
export interface FlashesAndHeaders<M extends FlashMap> {
  /** `[category, message]` pairs, oldest first, as `renderFlashMessages()` takes them. */
  readonly messages: FlashPair<M>[];
  /**
   * The `Set-Cookie` headers that remove what was read (empty with the middleware, which commits
   * itself): return them with the loader's data, `data({ messages }, { headers })`.
   */
  readonly headers: Headers;
}

/** Options of {@link ReactRouterFlash.getFlashes}. */
export interface GetFlashesOptions<C extends string = string> {
  /** Return only these categories (the read still consumes every pending message, as Flask's). @default [] */
  categoryFilter?: readonly C[];
}

/** The message type of category `C` in `M`, `never` when `M` has no such category (a compile error at the call). */
export type MessageOf<M extends FlashMap, C extends string> = C extends keyof M ? M[C] : never;

/** `redirectWithFlash` and `replaceWithFlash`: a message of any category of `M`, then the redirect. */
export type RedirectWithFlash<M extends FlashMap> = <C extends CategoryOf<M>>(
  from: FlashSource,
  url: string,
  message: M[C],
  category: C,
  init?: number | ResponseInit,
) => Promise<Response>;

/** A `redirectWith…`/`replaceWith…` helper of one category. */
export type RedirectWithCategory<M extends FlashMap, C extends string> = (
  from: FlashSource,
  url: string,
  message: MessageOf<M, C>,
  init?: number | ResponseInit,
) => Promise<Response>;

/** A `dataWith…` helper of one category. */
export type DataWithCategory<M extends FlashMap, C extends string> = <D>(
  from: FlashSource,
  value: D,
  message: MessageOf<M, C>,
  init?: ResponseInit,
) => Promise<ReturnType<typeof data<D>>>;

/** flashkit for a React Router app, made by {@link createReactRouterFlash}. */
export interface ReactRouterFlash<M extends FlashMap = RegisteredFlashes> {
  /**
   * React Router's server middleware (`future.v8_middleware`): export it from `app/root.tsx`,
   * `export const middleware = [flash.middleware]`. It opens one jar per request, which every function
   * reaches through the loader's or action's `context`, and commits it onto the response, whatever the
   * route returned or threw to an error boundary.
   */
  readonly middleware: MiddlewareFunction<Response>;
  /**
   * The request's flash function (`flash(message, category)`, `.now()`, `.keep()`, `.peek()`,
   * `.getFlashedMessages()`, `.save()`), its messages loaded. Without the middleware, commit what it
   * did with a helper below or {@link flashHeaders}.
   */
  flashOf(from: FlashSource): Promise<FlashFunction<M>>;
  /**
   * The root loader's read: every pending message (consumed, as Flask's first
   * `get_flashed_messages()` of a request) and the headers that commit it. A side request (a
   * prefetch, a HEAD) gets the messages and consumes nothing.
   */
  getFlashes<C extends CategoryOf<M> = CategoryOf<M>>(
    from: FlashSource,
    options?: GetFlashesOptions<C>,
  ): Promise<FlashesAndHeaders<M>>;
  /**
   * Commits what the request flashed and read so far and returns the `Set-Cookie` headers, for a
   * response of your own (`redirect("/", { headers })`). Empty with the middleware, and after the
   * request's first commit.
   */
  flashHeaders(from: FlashSource): Promise<Headers>;
  /** Flashes `message` in `category` and redirects to `url` (React Router's `redirect`), committed. */
  readonly redirectWithFlash: RedirectWithFlash<M>;
  /** Flashes `message` in `category` and redirects with React Router's `replace` (no new history entry). */
  readonly replaceWithFlash: RedirectWithFlash<M>;
  /** Flashes `message` in `category` and returns `value` through React Router's `data()`, committed. */
  dataWithFlash<D, C extends CategoryOf<M>>(
    from: FlashSource,
    value: D,
    message: M[C],
    category: C,
    init?: ResponseInit,
  ): Promise<ReturnType<typeof data<D>>>;
  readonly redirectWithSuccess: RedirectWithCategory<M, "success">;
  readonly redirectWithError: RedirectWithCategory<M, "error">;
  readonly redirectWithInfo: RedirectWithCategory<M, "info">;
  readonly redirectWithWarning: RedirectWithCategory<M, "warning">;
  readonly replaceWithSuccess: RedirectWithCategory<M, "success">;
  readonly replaceWithError: RedirectWithCategory<M, "error">;
  readonly replaceWithInfo: RedirectWithCategory<M, "info">;
  readonly replaceWithWarning: RedirectWithCategory<M, "warning">;
  readonly dataWithSuccess: DataWithCategory<M, "success">;
  readonly dataWithError: DataWithCategory<M, "error">;
  readonly dataWithInfo: DataWithCategory<M, "info">;
  readonly dataWithWarning: DataWithCategory<M, "warning">;
}

/** One request's scope: its jar, and whether the middleware (rather than a helper) commits it. */
interface Scope {
  readonly flash: FetchFlashScope<FlashMap>;
  readonly loading: void | Promise<void>;
  readonly byMiddleware: boolean;
}

/**
 * Creates flashkit for a React Router app: the middleware and the helpers, over one flashkit instance.
 * Put it in a server-only module (`app/flash.server.ts`) and export what the routes use.
 *
 * @typeParam M - the app's categories, when it types them here rather than through `Register`.
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work (no secret in
 *   production, the session store, which needs Express's, Fastify's or Koa's session middleware).
 * @example
 * // app/flash.server.ts
 * import { createReactRouterFlash } from "flashkit/react-router";
 *
 * export const { getFlashes, redirectWithSuccess, redirectWithError } = createReactRouterFlash({
 *   secret: process.env.FLASH_SECRET,
 * });
 *
 * // app/routes/profile.tsx
 * export async function action({ request }: ActionFunctionArgs) {
 *   return redirectWithSuccess(request, "/profile", "Profile updated successfully!");
 * }
 */
export function createReactRouterFlash<M extends FlashMap = RegisteredFlashes>(
  options: ReactRouterFlashOptions | Flash<M> = {},
): ReactRouterFlash<M> {
  const instance = resolveFlash<M>(options);
  if (instance.store.usesSession) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "flashkit/react-router has no session middleware for sessionStore(): to keep messages in a React Router " +
        "session, use sessionStorageStore(sessionStorage)",
    );
  }
  refuseSessionStore(instance as Flash<FlashMap>, "flashkit/react-router");
  return buildReactRouterFlash<M>(() => instance as unknown as Flash<FlashMap>, options);
}

/**
 * The helpers over the default options (`FLASH_SECRET`, the signed-cookie store), made on first use so
 * that importing them never fails (a build that evaluates the module has no secret): the first request
 * fails instead when production has no `FLASH_SECRET`.
 */
const defaults = buildReactRouterFlash<RegisteredFlashes>(lazyDefaultInstance(), {});

function lazyDefaultInstance(): () => Flash<FlashMap> {
  let instance: Flash<FlashMap> | undefined;
  return () => {
    instance ??= resolveFlash<FlashMap>({});
    return instance;
  };
}

function buildReactRouterFlash<M extends FlashMap>(
  instanceOf: () => Flash<FlashMap>,
  options: ReactRouterFlashOptions | Flash<M>,
): ReactRouterFlash<M> {
  const logger = loggerOf(options);
  const { onCommitError } = options as ReactRouterFlashOptions;
  const key: RouterContext<Scope | null> = createContext<Scope | null>(null);
  const standalone = new WeakMap<Request, Scope>();

  const open = (request: Request, byMiddleware: boolean): Scope => {
    const flash = openFetchFlash(instanceOf(), request.headers.get("cookie") ?? undefined, logger, request);
    return { flash, loading: flash.load(), byMiddleware };
  };

  const scopeOf = async (from: FlashSource): Promise<Scope> => {
    let scope: Scope | undefined;
    if (!(from instanceof Request)) {
      const context = from.context as { get?(key: unknown): unknown } | undefined;
      if (typeof context?.get === "function") scope = (context.get(key) as Scope | null) ?? undefined;
    }
    const request = from instanceof Request ? from : from?.request;
    if (!scope) {
      if (!(request instanceof Request)) {
        throw new TypeError(
          "flashkit/react-router: pass the loader's or action's arguments ({ request, context }) or its request",
        );
      }
      scope = standalone.get(request);
      if (!scope) {
        scope = open(request, false);
        standalone.set(request, scope);
      }
    }
    if (scope.loading) await scope.loading;
    return scope;
  };

  const headersOf = async (scope: Scope): Promise<Headers> => {
    const headers = new Headers();
    if (scope.byMiddleware || scope.flash.jar.committed) return headers;
    const carrier = await scope.flash.settleOnto(new Response(null));
    for (const cookie of carrier.headers.getSetCookie()) headers.append("Set-Cookie", cookie);
    return headers;
  };

  const respond = async (from: FlashSource, response: Response, scope: Scope): Promise<Response> => {
    if (scope.byMiddleware || scope.flash.jar.committed) return response;
    const request = from instanceof Request ? from : from.request;
    return scope.flash.settleOnto(response, onCommitError, request);
  };

  const flashInto = async (from: FlashSource, message: unknown, category: string): Promise<Scope> => {
    const scope = await scopeOf(from);
    (scope.flash.flash as FlashFunction<FlashMap>)(message, category);
    return scope;
  };

  const redirectWithFlash = async (
    from: FlashSource,
    url: string,
    message: unknown,
    category: string,
    init?: number | ResponseInit,
  ): Promise<Response> => respond(from, redirect(url, init), await flashInto(from, message, category));
  const replaceWithFlash = async (
    from: FlashSource,
    url: string,
    message: unknown,
    category: string,
    init?: number | ResponseInit,
  ): Promise<Response> => respond(from, replace(url, init), await flashInto(from, message, category));
  const dataWithFlash = async <D>(
    from: FlashSource,
    value: D,
    message: unknown,
    category: string,
    init?: ResponseInit,
  ): Promise<ReturnType<typeof data<D>>> => {
    const cookies = await headersOf(await flashInto(from, message, category));
    const headers = new Headers(init?.headers);
    for (const cookie of cookies.getSetCookie()) headers.append("Set-Cookie", cookie);
    return data(value, { ...init, headers });
  };

  const redirectIn =
    (category: string) =>
    (from: FlashSource, url: string, message: unknown, init?: number | ResponseInit): Promise<Response> =>
      redirectWithFlash(from, url, message, category, init);
  const replaceIn =
    (category: string) =>
    (from: FlashSource, url: string, message: unknown, init?: number | ResponseInit): Promise<Response> =>
      replaceWithFlash(from, url, message, category, init);
  const dataIn =
    (category: string) =>
    <D>(from: FlashSource, value: D, message: unknown, init?: ResponseInit) =>
      dataWithFlash(from, value, message, category, init);

  const flashkitMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
    if (context.get(key)) return next();
    const scope = open(request, true);
    context.set(key, scope);
    if (scope.loading) await scope.loading;
    return scope.flash.settleOnto(await next(), onCommitError, request);
  };

  return {
    middleware: flashkitMiddleware,
    flashOf: async (from) => (await scopeOf(from)).flash.flash as unknown as FlashFunction<M>,
    async getFlashes(from, options) {
      const scope = await scopeOf(from);
      const messages = scope.flash.jar.getFlashedMessages({
        withCategories: true,
        categoryFilter: options?.categoryFilter ?? [],
      }) as unknown as FlashPair<M>[];
      return { messages, headers: await headersOf(scope) };
    },
    flashHeaders: async (from) => headersOf(await scopeOf(from)),
    redirectWithFlash,
    replaceWithFlash,
    dataWithFlash,
    redirectWithSuccess: redirectIn("success"),
    redirectWithError: redirectIn("error"),
    redirectWithInfo: redirectIn("info"),
    redirectWithWarning: redirectIn("warning"),
    replaceWithSuccess: replaceIn("success"),
    replaceWithError: replaceIn("error"),
    replaceWithInfo: replaceIn("info"),
    replaceWithWarning: replaceIn("warning"),
    dataWithSuccess: dataIn("success"),
    dataWithError: dataIn("error"),
    dataWithInfo: dataIn("info"),
    dataWithWarning: dataIn("warning"),
  } as ReactRouterFlash<M>;
}

/**
 * The default instance's helpers (the signed-cookie store, `FLASH_SECRET`), for apps that configure
 * nothing: `import { getFlashes, redirectWithSuccess } from "flashkit/react-router"`. Typed through
 * `Register`. For options (a store, cookie attributes, limits), use {@link createReactRouterFlash}.
 *
 * @example
 * export async function loader({ request }: LoaderFunctionArgs) {
 *   const { messages, headers } = await getFlashes(request);
 *   return data({ messages }, { headers });
 * }
 */
export const {
  middleware,
  flashOf,
  getFlashes,
  flashHeaders,
  redirectWithFlash,
  replaceWithFlash,
  dataWithFlash,
  redirectWithSuccess,
  redirectWithError,
  redirectWithInfo,
  redirectWithWarning,
  replaceWithSuccess,
  replaceWithError,
  replaceWithInfo,
  replaceWithWarning,
  dataWithSuccess,
  dataWithError,
  dataWithInfo,
  dataWithWarning,
} = defaults;

/**
 * A store that keeps pending messages in a React Router session (`createCookieSessionStorage()`,
 * `createMemorySessionStorage()`, `createFileSessionStorage()`, a `createSessionStorage()` of your own),
 * under `_flashes` in Flask's shape: a list of `[category, message]` pairs, oldest first. Each request
 * that flashes or consumes reads its session with `getSession()`, applies its delta and sends
 * `commitSession()`'s `Set-Cookie`.
 *
 * Give it a session storage of its own (its own cookie name, as remix-toast's custom session is): the
 * app's own `commitSession()` of the same session in the same response would write the session twice,
 * and the last write wins. The session is rewritten whole, so two overlapping requests of one browser
 * can lose a message (the last write wins); flashkit's cookie, memory and Redis stores cannot. With
 * a cookie session storage, set `maxBytes` (about 2900: the cookie carries the JSON in base64, and a browser drops a cookie past 4096 bytes).
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` for a bad option.
 * @example
 * import { createCookieSessionStorage } from "react-router";
 * import { createReactRouterFlash, sessionStorageStore } from "flashkit/react-router";
 *
 * const flashSessions = createCookieSessionStorage({
 *   cookie: { name: "__flash", secrets: [process.env.SESSION_SECRET!], sameSite: "lax", path: "/", httpOnly: true },
 * });
 * export const { getFlashes, redirectWithSuccess } = createReactRouterFlash({
 *   store: sessionStorageStore(flashSessions, { maxBytes: 2900 }),
 * });
 */
export function sessionStorageStore(storage: SessionStorage, options: SessionStoreOptions = {}): FlashStore {
  if (typeof storage?.getSession !== "function" || typeof storage.commitSession !== "function") {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "sessionStorageStore needs a React Router SessionStorage, such as createCookieSessionStorage({ cookie })",
    );
  }
  const inner = sessionStore(options);
  const sessions = new WeakMap<FlashRequest, Session>();
  const view = (request: FlashRequest, session: Session): FlashRequest => ({
    cookieHeader: request.cookieHeader,
    session: session as unknown as Record<string, unknown>,
    appendSetCookie: (header) => request.appendSetCookie(header),
  });
  return {
    name: "session-storage",
    maxBytes: inner.maxBytes,
    measure: (entry: StoredFlash) => inner.measure(entry),
    async load(request) {
      const session = await storage.getSession(request.cookieHeader);
      sessions.set(request, session);
      return inner.load(view(request, session));
    },
    async commit(request, delta: FlashDelta) {
      const session = sessions.get(request) ?? (await storage.getSession(request.cookieHeader));
      await inner.commit(view(request, session), delta);
      request.appendSetCookie(await storage.commitSession(session));
    },
  };
}
