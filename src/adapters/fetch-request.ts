/**
 * One Fetch API request's flash state, shared by the Hono and fetch adapters: open the request's jar
 * over a `Request`, collect the `Set-Cookie` headers its commit writes, and put them on the `Response`. Runtime-neutral
 * (no `node:` import), so it runs on Node, Bun, Deno and edge runtimes alike.
 */
import type { Flash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import {
  type FlashFunction,
  type FlashTemplateFunctions,
  flashFunction,
  templateFunctions,
} from "../core/request-api.js";
import { headerOfFetch, headerOfRecord, isSideRequest } from "../core/side-requests.js";
import type { FlashLogger, FlashMap, FlashRequest } from "../core/types.js";
import { settle } from "./shared.js";

/** What an `onCommitError` of the Fetch-based adapters returns: a response to send instead, or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only logs returns void
export type CommitErrorResult = Response | undefined | void | Promise<Response | undefined | void>;

/** One request's flash state, as {@link openFetchFlash} returns it. */
export interface FetchFlashScope<M extends FlashMap> {
  /** The request's jar. */
  readonly jar: FlashJar<M>;
  /** The request's `flash` function (with `now`, `keep`, `peek`, `getFlashedMessages`). */
  readonly flash: FlashFunction<M>;
  /** `get_flashed_messages` and `getFlashedMessages` for templates. */
  readonly templates: FlashTemplateFunctions;
  /** Loads the client's pending messages: a promise only when the store is asynchronous. */
  load(): void | Promise<void>;
  /**
   * Settles the request (commits its delta, a failure warned and handed to `onError`) and returns
   * `response` carrying its `Set-Cookie` headers: the same
   * object, or a copy when its headers are immutable (`Response.redirect()`, a `fetch()` response).
   * A request that neither flashed nor read gets its response back untouched. When the commit fails,
   * `onError(error, target, response)` runs after the warning, and a `Response` it returns replaces
   * `response` (and gets the headers instead).
   */
  settleOnto<T>(
    response: Response,
    onError?: (error: unknown, target: T, response: Response) => CommitErrorResult,
    target?: T,
  ): Response | Promise<Response>;
}

/**
 * What {@link openFetchFlash} reads, only at commit, to tell a side request (see `isSideRequest()`):
 * a Fetch `Request`, or Node's own request where the runtime passes it (Hono on Node).
 */
export interface FetchRequestLike {
  readonly method: string | undefined;
  readonly headers: { get(name: string): string | null } | Readonly<Record<string, unknown>>;
}

/**
 * Opens the flash state of one Fetch API request.
 *
 * @param cookieHeader the request's `Cookie` header: `request.headers.get("cookie") ?? undefined`, or
 *   where the caller has it cheaper (Hono on Node reads Node's own request).
 * @param request the request, for its method and headers; without it no request is a side request.
 * @example
 * const scope = openFetchFlash(instance, request.headers.get("cookie") ?? undefined, console);
 * await scope.load();
 * scope.flash("Saved", "success");
 * return scope.settleOnto(Response.redirect(new URL("/", request.url), 303));
 */
export function openFetchFlash<M extends FlashMap>(
  instance: Flash<M>,
  cookieHeader: string | undefined,
  logger: FlashLogger,
  request?: FetchRequestLike,
): FetchFlashScope<M> {
  return new FetchFlashRequest(instance, cookieHeader, logger, request);
}

/**
 * The store's view of one Fetch API request and its {@link FetchFlashScope}: one object per request,
 * its `flash` and template functions made on first use, its list of `Set-Cookie` headers on the first
 * one written (a quiet page allocates neither).
 */
class FetchFlashRequest<M extends FlashMap> implements FlashRequest, FetchFlashScope<M> {
  readonly cookieHeader: string | undefined;
  readonly jar: FlashJar<M>;
  #setCookies: string[] | undefined;
  #flash: FlashFunction<M> | undefined;
  #templates: FlashTemplateFunctions | undefined;
  readonly #logger: FlashLogger;
  readonly #request: FetchRequestLike | undefined;

  constructor(instance: Flash<M>, cookieHeader: string | undefined, logger: FlashLogger, request?: FetchRequestLike) {
    this.cookieHeader = cookieHeader;
    this.#logger = logger;
    this.#request = request;
    this.jar = instance.open(this);
  }

  get sideRequest(): boolean {
    const request = this.#request;
    if (request === undefined) return false;
    const { method, headers } = request;
    // A Node header named "get" is a string, never a function.
    return typeof headers.get === "function"
      ? isSideRequest(method, headers as { get(name: string): string | null }, headerOfFetch)
      : isSideRequest(method, headers, headerOfRecord);
  }

  appendSetCookie(header: string): void {
    if (this.#setCookies) this.#setCookies.push(header);
    else this.#setCookies = [header];
  }

  get flash(): FlashFunction<M> {
    this.#flash ??= flashFunction(this.jar);
    return this.#flash;
  }

  get templates(): FlashTemplateFunctions {
    this.#templates ??= templateFunctions(this.jar as FlashJar<FlashMap>);
    return this.#templates;
  }

  load(): void | Promise<void> {
    return this.jar.load();
  }

  settleOnto<T>(
    response: Response,
    onError?: (error: unknown, target: T, response: Response) => CommitErrorResult,
    target?: T,
  ): Response | Promise<Response> {
    const settling = settle(this.jar, this.#logger, onError, target as T, response);
    if (settling) return settling.then((replaced) => this.#withSetCookies(replaced ?? response));
    return this.#withSetCookies(response);
  }

  #withSetCookies(response: Response): Response {
    return this.#setCookies ? withSetCookies(response, this.#setCookies, this.#logger) : response;
  }
}

/**
 * Refuses, at start-up, a store that keeps messages in the app's session: Hono and bare Fetch
 * handlers have no session middleware for it to use.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` for the session store.
 */
export function refuseSessionStore(instance: Flash<FlashMap>, adapter: string): void {
  if (instance.store.usesSession) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      `${adapter} has no session middleware for sessionStore(): use the default cookie store, memoryStore() or redisStore()`,
    );
  }
}

/**
 * Appends `Set-Cookie` headers to a response, copying it first when its headers are immutable.
 *
 * @example
 * withSetCookies(Response.redirect("https://example.com/", 302), ["a=1"], console).headers.getSetCookie(); // ["a=1"]
 */
export function withSetCookies(response: Response, setCookies: readonly string[], logger: FlashLogger): Response {
  if (setCookies.length === 0) return response;
  // A network error reaches no client, whatever its headers take (Bun lets Response.error()'s be set).
  // Its status is 0, which no constructed response can have; `status` rather than `type`, because
  // reading `type` turns @hono/node-server's lightweight response into a full one on every commit.
  if (response.status === 0) {
    logger.warn(`flashkit: cannot add Set-Cookie to a ${response.status} response: it is a network error`);
    return response;
  }
  let target = response;
  try {
    target.headers.append("Set-Cookie", setCookies[0]!);
  } catch {
    // Immutable headers (Response.redirect(), fetch() results): the same response, mutable. A status
    // the constructor refuses (101 of a WebSocket upgrade) cannot be copied.
    try {
      if (response.status < 200 || response.status > 599) throw new RangeError("status outside 200-599");
      target = new Response(response.body, response);
    } catch (error) {
      logger.warn(`flashkit: cannot add Set-Cookie to a ${response.status} response: ${String(error)}`);
      return response;
    }
    target.headers.append("Set-Cookie", setCookies[0]!);
  }
  for (let i = 1; i < setCookies.length; i++) target.headers.append("Set-Cookie", setCookies[i]!);
  return target;
}

/**
 * A request seen only through its `Cookie` header, whose commit collects the `Set-Cookie` headers it
 * writes: flashkit/next's proxy and render, flashkit/sveltekit's endpoint, flashkit/astro's requests.
 *
 * @example
 * const request = new CollectingRequest("flash.x=...");
 * await store.commit(request, { remove, add: [] });
 * request.setCookies; // ["flash.x=; Max-Age=0; ..."]
 */
export class CollectingRequest implements FlashRequest {
  readonly cookieHeader: string | undefined;
  readonly setCookies: string[] = [];

  constructor(cookieHeader: string | undefined) {
    this.cookieHeader = cookieHeader;
  }

  appendSetCookie(header: string): void {
    this.setCookies.push(header);
  }
}
