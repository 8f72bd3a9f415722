/**
 * SvelteKit 2 adapter: a `handle` hook (composable with `sequence()`) that opens one jar per request
 * on `event.locals.flash` and commits it onto whatever the request answered (a page, a form action's
 * result, a `redirect()` thrown from any load or action, an endpoint's response); `loadFlash()` for
 * `+layout.server.ts` / `+page.server.ts`; sveltekit-flash-message's `redirect()` and `setFlash()`;
 * `getFlash(page)` (flashkit/sveltekit/client) for components.
 *
 * Consumption: a document request consumes what its loads read, as Flask does, unless it answers
 * with a redirect (SvelteKit then drops the loads' data, so what they read stays pending). A
 * `__data.json` request (a client-side navigation, `invalidate()`, and also a hover preload, which
 * SvelteKit sends with the same headers) consumes nothing: its data says the messages are pending,
 * and the client store confirms, once it shows them, through the hook's endpoint, which removes
 * exactly those messages. A preload never shown confirms nothing, so it eats no message.
 * docs/sveltekit.md says the same for users.
 */
import { type Handle, redirect as kitRedirect, type RequestEvent, type ServerLoadEvent } from "@sveltejs/kit";
import type { Flash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashFunction } from "../core/request-api.js";
import type { CategoryOf, FlashLogger, FlashMap, RegisteredFlashes, StoredFlash } from "../core/types.js";
import {
  CollectingRequest,
  type CommitErrorResult,
  type FetchFlashScope,
  openFetchFlash,
  refuseSessionStore,
  withSetCookies,
} from "./fetch-request.js";
import { type FlashAdapterOptions, loggerOf, resolveFlash } from "./shared.js";

/**
 * Options of {@link createSvelteKitFlash}. Its `onCommitError(error, event, response)` runs when the
 * commit at the end of a request fails (the Redis store is down or full), after the warning: a
 * `Response` it returns is sent instead. To decide in the action, `await event.locals.flash.save()`.
 *
 * @example
 * createSvelteKitFlash({ secret: process.env.FLASH_SECRET, cookie: { secure: true } });
 */
export interface SvelteKitFlashOptions
  extends FlashAdapterOptions<(error: unknown, event: RequestEvent, response: Response) => CommitErrorResult> {
  /**
   * The path the hook answers for the client store (`getFlash()`): it confirms what a client-side
   * navigation showed and reads after a `use:enhance` post. Prefix it with your `paths.base`.
   * @default "/_flashkit"
   * @example endpoint: "/my-base/_flashkit"
   */
  endpoint?: string;
}

/** What {@link createSvelteKitFlash} takes: options, or a `createFlash()` instance. */
export type SvelteKitFlashSetup<M extends FlashMap> = SvelteKitFlashOptions | Flash<M>;

/**
 * The messages a load hands to the page as `data.flash`, for `getFlash(page)`: plain data, so
 * SvelteKit serializes it.
 */
export interface FlashPageData {
  /** `[category, message]` pairs, oldest first. */
  readonly messages: [category: string, message: unknown][];
  /** The messages' ids, in the same order: the client store shows each id once. */
  readonly ids: string[];
  /**
   * Whether the messages are still stored (a `__data.json` request consumes nothing): the client
   * store confirms them through {@link FlashPageData.endpoint} once it shows them.
   */
  readonly pending: boolean;
  /** Where the client store confirms and reads (the hook's `endpoint` option). */
  readonly endpoint: string;
}

/** What {@link loadFlash}, {@link redirect} and {@link setFlash} need of a load's or action's event. */
export interface FlashEvent {
  readonly locals: object;
  readonly url: URL;
  depends?(...deps: `${string}:${string}`[]): void;
}

/** What {@link loadFlash}'s load returns: the wrapped load's data and `flash`. */
export type WithFlashData<R> = (R extends object ? Omit<R, "flash"> : Record<never, never>) & {
  flash: FlashPageData;
};

/** The message type of category `C` of the app's registered flashes. */
export type RegisteredMessage<C extends string> = C extends keyof RegisteredFlashes ? RegisteredFlashes[C] : never;

/** The redirect statuses SvelteKit's `redirect()` takes. */
export type RedirectStatus = 300 | 301 | 302 | 303 | 304 | 305 | 306 | 307 | 308;

/** flashkit for a SvelteKit app, made by {@link createSvelteKitFlash}. */
export interface SvelteKitFlash {
  /**
   * The hook: `export const handle = flash.handle` in `src/hooks.server.ts`, or
   * `sequence(flash.handle, yourHandle)`. Handles after it in the sequence see `event.locals.flash`.
   */
  readonly handle: Handle;
}

declare global {
  namespace App {
    interface Locals {
      /**
       * Flask's `flash(message, category)` for this request, with `now`, `keep`, `peek`,
       * `getFlashedMessages` and `save`: installed by flashkit/sveltekit's `handle`.
       */
      flash: FlashFunction<RegisteredFlashes>;
    }
    interface PageData {
      /** The messages {@link loadFlash} hands to the page, for `getFlash(page)`. */
      flash?: FlashPageData;
    }
  }
}

/** One request's flash state, found from its `event.locals` by the functions below. */
interface Scope {
  readonly flash: FetchFlashScope<FlashMap>;
  /** A `__data.json` request, which consumes nothing (it may be a preload). */
  readonly dataRequest: boolean;
  readonly endpoint: string;
  /** Whether `loadFlash()` read in this request: a redirect then keeps what it read. */
  readByLoad: boolean;
}

const scopes = new WeakMap<object, Scope>();

/** The dependency `loadFlash()` declares: `invalidate("flashkit:messages")` runs it again. */
export const FLASH_DEPENDENCY = "flashkit:messages";

/**
 * Creates the hook over one flashkit instance. Nothing is resolved until the first request, so
 * `vite build` (which imports the hooks) needs no secret; a production server without
 * `FLASH_SECRET` fails on its first request with `FlashError` `ERR_FLASH_CONFIG`.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` (on first use) when the options cannot work, or name the
 *   session store (SvelteKit has no session middleware).
 * @example
 * // src/hooks.server.ts
 * import { createSvelteKitFlash } from "flashkit/sveltekit";
 * export const { handle } = createSvelteKitFlash({ cookie: { secure: true } });
 */
export function createSvelteKitFlash<M extends FlashMap = RegisteredFlashes>(
  setup: SvelteKitFlashSetup<M> = {},
): SvelteKitFlash {
  const options: SvelteKitFlashOptions = isFlashInstance(setup) ? {} : setup;
  const endpoint = options.endpoint ?? "/_flashkit";
  if (!endpoint.startsWith("/")) throw new TypeError(`flashkit/sveltekit: endpoint must be a path, got ${endpoint}`);
  const { onCommitError } = options;
  let resolved: { instance: Flash<FlashMap>; logger: FlashLogger } | undefined;
  const resolve = () => {
    if (resolved) return resolved;
    const instance = resolveFlash<M>(setup) as unknown as Flash<FlashMap>;
    refuseSessionStore(instance, "flashkit/sveltekit");
    resolved = { instance, logger: loggerOf(options) };
    return resolved;
  };

  const handle: Handle = async ({ event, resolve: render }) => {
    if (scopes.has(event.locals)) return render(event);
    const { instance, logger } = resolve();
    if (event.url.pathname === endpoint) return answerEndpoint(event, instance, logger, endpoint);
    const flash = openFetchFlash(instance, event.request.headers.get("cookie") ?? undefined, logger, event.request);
    const scope: Scope = { flash, dataRequest: event.isDataRequest, endpoint, readByLoad: false };
    scopes.set(event.locals, scope);
    (event.locals as { flash: unknown }).flash = flash.flash;
    const loading = flash.load();
    if (loading) await loading;
    const response = await render(event);
    // SvelteKit drops the loads' data of a redirect: what they read has not been shown.
    if (scope.dataRequest || (scope.readByLoad && isRedirect(response))) flash.jar.keep();
    return flash.settleOnto(response, onCommitError, event);
  };
  return { handle };
}

/** The hook over the default options (`FLASH_SECRET`, the signed-cookie store), made on first use. */
export const handle: Handle = createSvelteKitFlash().handle;

/**
 * The messages for the page, as a load returns them (`data.flash`), read with Flask's semantics
 * (every pending message, all categories). Call it in the load that renders them, usually the root
 * `+layout.server.ts`; {@link loadFlash} wraps a whole load. It reads `event.url`, so SvelteKit runs
 * the load again on every navigation, and declares `flashkit:messages` for `invalidate()`.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` when flashkit's `handle` is not installed.
 * @example
 * export const load = async (event) => ({ user: event.locals.user, flash: flashData(event) });
 */
export function flashData(event: FlashEvent): FlashPageData {
  const scope = scopeOf(event, "flashData()");
  // Reading the URL makes SvelteKit run the load on every navigation, so each page gets what is pending.
  void event.url.href;
  event.depends?.(FLASH_DEPENDENCY);
  scope.readByLoad = true;
  const pairs = scope.flash.jar.getFlashedMessages({ withCategories: true }) as [string, unknown][];
  return {
    messages: pairs.map(([category, message]) => [category, message]),
    ids: scope.flash.jar.readIds(),
    pending: scope.dataRequest,
    endpoint: scope.endpoint,
  };
}

/**
 * Wraps a load (or makes one) so that its data also holds `flash` ({@link flashData}), read after
 * the load ran, so that a message it flashes shows on this page. sveltekit-flash-message's
 * `loadFlash`.
 *
 * @example
 * // src/routes/+layout.server.ts
 * import { loadFlash } from "flashkit/sveltekit";
 * export const load = loadFlash(async ({ locals }) => ({ user: locals.user }));
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a load may return nothing
export function loadFlash<E extends FlashEvent = ServerLoadEvent, R extends object | undefined | void = undefined>(
  load?: (event: E) => R | Promise<R>,
): (event: E) => Promise<WithFlashData<R>> {
  return async (event) => {
    const data = load ? await load(event) : undefined;
    return { ...(data ?? {}), flash: flashData(event) } as WithFlashData<R>;
  };
}

/** A root `+layout.server.ts` that only reads messages: `export { load } from "flashkit/sveltekit"`. */
export const load: (event: FlashEvent) => Promise<WithFlashData<undefined>> = loadFlash();

/**
 * Flashes `message` (in `category`, Flask's `"message"` by default) for the next page, without
 * redirecting: in a form action that returns `fail()`, a load, an endpoint.
 * sveltekit-flash-message's `setFlash`, with the event instead of `cookies`.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` when flashkit's `handle` is not installed.
 * @example
 * setFlash("Please enter your name.", event, "error");
 * return fail(400, { name });
 */
export function setFlash<C extends CategoryOf<RegisteredFlashes> = "message">(
  message: RegisteredMessage<C>,
  event: FlashEvent,
  category?: C,
): void {
  const scope = scopeOf(event, "setFlash()");
  (scope.flash.flash as (message: unknown, category?: string) => void)(message, category ?? "message");
}

/**
 * SvelteKit's `redirect()` with a flash message, sveltekit-flash-message's signatures with the event
 * instead of `cookies` and an optional category last: `redirect(location, message, event)` (303),
 * `redirect(status, location, message, event)`, `redirect(message, event)` (303 to the current URL),
 * or SvelteKit's own `redirect(status, location)`. Works from form actions, endpoints and every load,
 * a layout's included: the hook commits the message onto the redirect.
 *
 * @throws {Redirect} always, as SvelteKit's `redirect()` (do not catch it).
 * @throws {FlashError} `ERR_FLASH_CONFIG` when flashkit's `handle` is not installed.
 * @example
 * redirect("/profile", "Profile updated successfully!", event, "success");
 */
export function redirect(status: RedirectStatus, location: string | URL): never;
export function redirect<C extends CategoryOf<RegisteredFlashes> = "message">(
  message: RegisteredMessage<C>,
  event: FlashEvent & { readonly url: URL },
  category?: C,
): never;
export function redirect<C extends CategoryOf<RegisteredFlashes> = "message">(
  location: string | URL,
  message: RegisteredMessage<C>,
  event: FlashEvent,
  category?: C,
): never;
export function redirect<C extends CategoryOf<RegisteredFlashes> = "message">(
  status: RedirectStatus,
  location: string | URL,
  message: RegisteredMessage<C>,
  event: FlashEvent,
  category?: C,
): never;
export function redirect(...args: unknown[]): never {
  const first: unknown = args[0];
  let status: RedirectStatus = 303;
  if (typeof first === "number") {
    status = first as RedirectStatus;
    args.shift();
    if (args.length < 3) kitRedirect(status, args[0] as string | URL);
  }
  let location: string | URL;
  if (isEvent(args[1])) {
    const event = args[1];
    location = `${event.url.pathname}${event.url.search}`;
    args.unshift(location);
  } else location = args[0] as string | URL;
  const [, message, event, category] = args as [unknown, unknown, FlashEvent, string | undefined];
  if (!isEvent(event)) {
    throw new TypeError("flashkit/sveltekit: redirect() takes the load's or action's event after the message");
  }
  setFlash(message as never, event, (category ?? "message") as never);
  kitRedirect(status, location);
}

function scopeOf(event: FlashEvent, call: string): Scope {
  const scope = typeof event?.locals === "object" && event.locals !== null ? scopes.get(event.locals) : undefined;
  if (!scope) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `flashkit/sveltekit: ${call} found no flash state on event.locals: add flashkit's hook to src/hooks.server.ts ` +
        "(export { handle } from \"flashkit/sveltekit\", or sequence(flashHandle, ...)) and pass the load's or action's event",
    );
  }
  return scope;
}

function isEvent(value: unknown): value is FlashEvent {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as FlashEvent).locals === "object" &&
    (value as FlashEvent).url instanceof URL
  );
}

function isFlashInstance<M extends FlashMap>(setup: SvelteKitFlashSetup<M>): setup is Flash<M> {
  return typeof (setup as Flash<M>).open === "function" && typeof (setup as Flash<M>).store === "object";
}

/** A page's or an action's redirect: a 3xx with a Location (a `__data.json` redirect is a 200 whose body says so). */
function isRedirect(response: Response): boolean {
  return response.status >= 300 && response.status < 400 && response.headers.has("location");
}

/** The largest body the endpoint reads: a list of ids. */
const ENDPOINT_BODY_LIMIT = 16 * 1024;

/**
 * The client store's endpoint, a `POST` of JSON: `{ "consume": [ids] }` removes exactly those
 * messages (what a client-side navigation showed) and answers 204; `{}` reads every pending message
 * with Flask's semantics (after a `use:enhance` post) and answers its {@link FlashPageData}.
 */
async function answerEndpoint(
  event: RequestEvent,
  instance: Flash<FlashMap>,
  logger: FlashLogger,
  endpoint: string,
): Promise<Response> {
  const noStore = { "cache-control": "no-store" };
  if (event.request.method !== "POST") {
    return new Response(null, { status: 405, headers: { ...noStore, allow: "POST" } });
  }
  // A JSON body needs a CORS preflight: another site cannot make a browser send it.
  if (!event.request.headers.get("content-type")?.startsWith("application/json")) {
    return new Response(null, { status: 415, headers: noStore });
  }
  let body: { consume?: unknown } | null;
  try {
    const text = await event.request.text();
    if (text.length > ENDPOINT_BODY_LIMIT) return new Response(null, { status: 413, headers: noStore });
    body = JSON.parse(text) as { consume?: unknown } | null;
  } catch {
    return new Response(null, { status: 400, headers: noStore });
  }
  const cookieHeader = event.request.headers.get("cookie") ?? undefined;
  if (Array.isArray(body?.consume)) {
    const ids = new Set(body.consume.filter((id): id is string => typeof id === "string"));
    const request = new CollectingRequest(cookieHeader);
    const loaded = await instance.store.load(request);
    const remove: StoredFlash[] = loaded.filter((entry) => ids.has(entry.id));
    if (remove.length > 0) {
      try {
        await instance.store.commit(request, { remove, add: [] });
      } catch (error) {
        logger.warn(`flashkit: could not commit flash messages: ${String(error)}`);
        return new Response(null, { status: 503, headers: noStore });
      }
    }
    return withSetCookies(new Response(null, { status: 204, headers: noStore }), request.setCookies, logger);
  }
  const flash = openFetchFlash(instance, cookieHeader, logger, event.request);
  const loading = flash.load();
  if (loading) await loading;
  const pairs = flash.jar.getFlashedMessages({ withCategories: true }) as [string, unknown][];
  const data: FlashPageData = { messages: pairs, ids: flash.jar.readIds(), pending: false, endpoint };
  return flash.settleOnto(Response.json(data, { headers: noStore }));
}
