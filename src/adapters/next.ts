/**
 * Next.js adapter (App Router, Next 16): `createNextFlash(options)` returns the app's flash API,
 * made once in a module of the app (`lib/flash.ts`) and imported wherever it is used:
 *
 * - `proxy`, for `proxy.ts`: consumes the messages of every page request (a document load, a
 *   client-side navigation, `router.refresh()`), because a Server Component cannot set cookies, and
 *   hands what it consumed to the render in a request header;
 * - `withFlash(handler)`, around a route handler or a server action: Flask's `flash()` and
 *   `getFlashedMessages()` inside it, the delta written through `cookies().set()`;
 * - `getFlashedMessages()` and `<FlashMessages>`, in Server Components and layouts: the messages the
 *   proxy consumed for this request.
 *
 * docs/next.md says why consumption works this way. Nothing is resolved before the first request,
 * so `next build` needs no secret.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { cookies, headers } from "next/headers.js";
import { type NextRequest, NextResponse } from "next/server.js";
import { createElement, type ReactElement } from "react";
import type { Flash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import { type FlashFunction, flashFunction } from "../core/request-api.js";
import { headerOfFetch, isSideRequest } from "../core/side-requests.js";
import type {
  FlashLogger,
  FlashMap,
  FlashRequest,
  GetFlashedMessagesOptions,
  RegisteredFlashes,
} from "../core/types.js";
import { type RenderOptions, renderFlashMessages } from "../render/render.js";
import { CollectingRequest, type CommitErrorResult, refuseSessionStore } from "./fetch-request.js";
import { FlashView } from "./next-client.js";
import { type FlashAdapterOptions, loggerOf, resolveFlash, settle } from "./shared.js";

/**
 * Options of {@link createNextFlash}. Its `onCommitError(error)` runs when the commit at the end of
 * a {@link NextFlash.withFlash} handler fails (the Redis store is down or full), after the warning:
 * a `Response` it returns replaces a route handler's response. To decide in the handler instead,
 * `await flash.save()`.
 *
 * @example
 * createNextFlash({ secret: process.env.FLASH_SECRET, cookie: { secure: true } });
 */
export interface NextFlashOptions extends FlashAdapterOptions<(error: unknown) => CommitErrorResult> {
  /**
   * The name of the parallel route (`app/@flash`) that renders `<FlashMessages>` on every
   * navigation. When a client-side navigation finds messages pending and the page's tree has no such
   * slot, the proxy turns that navigation into a page load, so that the root layout renders and shows
   * them (a layout is not rendered again on a client-side navigation).
   * @default "flash"
   */
  slot?: string;
}

/** What {@link createNextFlash} takes: options, or a `createFlash()` instance made when first needed. */
export type NextFlashSetup<M extends FlashMap> = NextFlashOptions | (() => Flash<M>);

/** Props of {@link NextFlash.FlashMessages}: the renderer's options and which categories to show. */
export interface NextFlashMessagesProps extends RenderOptions {
  /** Show only these categories (the others are consumed all the same, as in Flask). */
  categoryFilter?: readonly string[] | undefined;
}

/** The flash API of a Next.js app, as {@link createNextFlash} returns it. */
export interface NextFlash<M extends FlashMap = RegisteredFlashes> {
  /**
   * The proxy (`proxy.ts`, formerly middleware): consumes the messages of a page request and hands
   * them to the render. Prefetches, server actions, non-GET requests and side requests consume
   * nothing.
   */
  proxy(request: NextRequest): Promise<NextResponse>;
  /**
   * Wraps a route handler or a server action: inside it, {@link NextFlash.flash} and
   * {@link NextFlash.getFlashedMessages} work on this request's messages with Flask's semantics,
   * and the delta is written with `cookies().set()` when the handler returns, or throws Next's
   * `redirect()`/`notFound()`. Another error commits nothing and propagates.
   */
  withFlash<A extends unknown[], R>(handler: (...args: A) => R | Promise<R>): (...args: A) => Promise<R>;
  /**
   * Flask's `flash(message, category)`, with `now`, `keep`, `peek` and `save` as methods: only
   * inside {@link NextFlash.withFlash}, since only route handlers and server actions can set cookies.
   */
  readonly flash: FlashFunction<M>;
  /**
   * Flask's `get_flashed_messages()`: inside {@link NextFlash.withFlash}, this request's messages
   * (consumed at its commit); in a Server Component or layout, what the proxy consumed for this
   * request (the same list for every call of a render).
   */
  getFlashedMessages(options?: GetFlashedMessagesOptions): Promise<unknown[]>;
  /**
   * A Server Component: the flash container with this request's messages (flashkit/render's
   * markup, Bootstrap 5 by default) and the client part that runs flashkit/client, never shows a
   * message again when the router restores a page from its history, and finishes consuming after a
   * server action's `redirect()`.
   */
  FlashMessages(props: NextFlashMessagesProps): Promise<ReactElement>;
}

/** Request header from the proxy to the render: what the proxy did with this request's messages. */
export const PROXY_HEADER = "x-flashkit-proxy";
/** Request header from the proxy to the render: the `Cookie` header whose messages it consumed. */
export const HANDOVER_HEADER = "x-flashkit-cookie";

/** The proxy's verdicts, in {@link PROXY_HEADER}. */
type ProxyMode =
  /** A page request: what the browser held was consumed and handed over. */
  | "consumed"
  /** A request that consumes nothing (a prefetch, a server action, a POST, a side request): the render shows nothing. */
  | "kept"
  /** Next rendering the target of a server action's `redirect()` inside the action's request. */
  | "action-redirect";

/** Headers of Next's client router (next/dist/client/components/app-router-headers.js). */
const RSC = "rsc";
const ACTION = "next-action";
const STATE_TREE = "next-router-state-tree";
/** `<Link prefetch>` and `router.prefetch()`: the whole page, or one segment of it (Next 16's segment cache). */
const PREFETCH_HEADERS = ["next-router-prefetch", "next-router-segment-prefetch"] as const;
/** `Sec-Fetch-Dest` of a page load: the top-level document or a frame. */
const DOCUMENT_DESTINATIONS: ReadonlySet<string> = new Set(["document", "iframe", "frame", "fencedframe"]);
/** Set by Next on its own request for the page a server action redirected to. */
const ACTION_REDIRECT = "x-action-redirect";
/** Next control flow that a handler throws to answer: `redirect()`, `notFound()`, `forbidden()`, `unauthorized()`. */
const NEXT_CONTROL_FLOW = /^NEXT_(?:REDIRECT|HTTP_ERROR_FALLBACK)/;

interface Scope<M extends FlashMap> {
  readonly jar: FlashJar<M>;
  readonly flash: FlashFunction<M>;
}

/** A message with its category, as `getFlashedMessages({ withCategories: true })` returns it. */
type CategorizedMessage = readonly [category: string, message: unknown];

interface RenderRead {
  readonly messages: readonly CategorizedMessage[];
  readonly pending: boolean;
  /** Names the list shown: its messages' ids (empty for none). */
  readonly token: string;
}

/**
 * Creates the flash API of a Next.js app. Call it once, in a module of your own, and import what it
 * returns. Nothing is checked until the first request: `next build` runs without a secret, and a
 * missing `FLASH_SECRET` in production is a `FlashError` (`ERR_FLASH_CONFIG`) on the first request
 * that needs it. Outside production, without a secret, one random secret is shared by the proxy and
 * the routes of the process (messages then last until the server restarts).
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` (on first use) when the options cannot work, or name a
 *   store that keeps messages in one process's memory or in a session.
 * @example
 * // lib/flash.ts
 * import { createNextFlash } from "flashkit/next";
 * export const { proxy, withFlash, flash, getFlashedMessages, FlashMessages } = createNextFlash();
 *
 * // app/profile/actions.ts
 * "use server";
 * import { redirect } from "next/navigation";
 * import { flash, withFlash } from "@/lib/flash";
 * export const updateProfile = withFlash(async (form: FormData) => {
 *   flash("Profile updated successfully!", "success");
 *   redirect("/profile");
 * });
 */
export function createNextFlash<M extends FlashMap = RegisteredFlashes>(setup: NextFlashSetup<M> = {}): NextFlash<M> {
  const options: NextFlashOptions = typeof setup === "function" ? {} : setup;
  const slot = options.slot ?? "flash";
  const onCommitError = options.onCommitError;
  let resolved: { instance: Flash<M>; logger: FlashLogger } | undefined;
  const resolve = () => {
    if (resolved) return resolved;
    const instance = typeof setup === "function" ? setup() : resolveFlash<M>(withDevelopmentSecret(setup));
    refuseSessionStore(instance as Flash<FlashMap>, "flashkit/next");
    if (instance.store.name === "memory") {
      throw new FlashError(
        "ERR_FLASH_CONFIG",
        "flashkit/next cannot use memoryStore(): Next loads the proxy and the routes as separate bundles, each with its own memory. Use the default cookie store or redisStore()",
      );
    }
    resolved = { instance, logger: loggerOf(options) };
    return resolved;
  };
  const scopes = new AsyncLocalStorage<Scope<M>>();
  const reads = new WeakMap<object, Promise<RenderRead>>();

  const scopeFlash = ((message: never, category?: never) => {
    const scope = scopes.getStore();
    if (!scope) throw outsideScope("flash()");
    (scope.flash as (message: never, category?: never) => void)(message, category);
  }) as FlashFunction<M>;
  for (const name of ["now", "keep", "peek", "getFlashedMessages", "save"] as const) {
    Object.defineProperty(scopeFlash, name, {
      value(...args: unknown[]) {
        const scope = scopes.getStore();
        if (!scope) throw outsideScope(`flash.${name}()`);
        return (scope.flash[name] as (...args: unknown[]) => unknown)(...args);
      },
    });
  }

  async function renderRead(): Promise<RenderRead> {
    const requestHeaders = await headers();
    let read = reads.get(requestHeaders);
    if (!read) {
      read = readHandover(requestHeaders, resolve().instance);
      reads.set(requestHeaders, read);
    }
    return read;
  }

  return {
    async proxy(request) {
      const { instance, logger } = resolve();
      const forwarded = new Headers(request.headers);
      forwarded.delete(HANDOVER_HEADER);
      const seesFlightHeaders = request.headers.has(RSC);
      const next = (mode: ProxyMode) => {
        forwarded.set(PROXY_HEADER, seesFlightHeaders ? `${mode};${RSC}` : mode);
        return NextResponse.next({ request: { headers: forwarded } });
      };
      if (!isPageRequest(request.method, request.headers)) return next("kept");
      if (request.headers.has(ACTION_REDIRECT)) return next("action-redirect");
      const cookieHeader = request.headers.get("cookie") ?? undefined;
      const proxyRequest = new CollectingRequest(cookieHeader);
      const jar = instance.open(proxyRequest);
      const loading = jar.load();
      if (loading) await loading;
      if (jar.peek().length === 0) return next("consumed");
      if (isPartialNavigation(request.headers, slot)) return pageLoad(request);
      jar.getFlashedMessages();
      // A failed commit (Redis down) is warned about; the render still shows what it read, which stays pending.
      await settle(jar, logger);
      if (cookieHeader !== undefined) forwarded.set(HANDOVER_HEADER, cookieHeader);
      const response = next("consumed");
      for (const header of proxyRequest.setCookies) response.headers.append("set-cookie", header);
      return response;
    },

    withFlash(handler) {
      return async (...args) => {
        const { instance, logger } = resolve();
        const [cookieStore, requestHeaders] = await Promise.all([cookies(), headers()]);
        // A route handler gets the Request; a server action its own arguments.
        const routeHandler = args[0] instanceof Request;
        const method = routeHandler ? (args[0] as Request).method : "POST";
        const jar = instance.open(new ActionRequest(cookieStore, requestHeaders, method));
        const loading = jar.load();
        if (loading) await loading;
        const scope: Scope<M> = { jar, flash: flashFunction(jar) };
        let result: Awaited<ReturnType<typeof handler>>;
        try {
          result = await scopes.run(scope, () => handler(...args));
        } catch (error) {
          if (isControlFlow(error)) await settle(jar, logger);
          throw error;
        }
        const replaced = await settle(jar, logger, onCommitError);
        // A server action's result goes to React, which cannot take a Response: there the hook only reports.
        return (routeHandler && replaced instanceof Response ? replaced : result) as Awaited<
          ReturnType<typeof handler>
        >;
      };
    },

    flash: scopeFlash,

    async getFlashedMessages(options) {
      const scope = scopes.getStore();
      if (scope) return scope.jar.getFlashedMessages(options ?? {}) as unknown[];
      const { messages } = await renderRead();
      return select(messages, options);
    },

    async FlashMessages(props) {
      const { categoryFilter, ...renderOptions } = props;
      const { messages, pending, token } = await renderRead();
      const shown = select(messages, { withCategories: true, categoryFilter: categoryFilter ?? [] });
      return createElement(FlashView, {
        key: token,
        token,
        pending,
        html: renderFlashMessages(shown as CategorizedMessage[], renderOptions),
        emptyHtml: renderFlashMessages([], renderOptions),
      });
    },
  };
}

/** The render's messages: what the proxy handed over, read (verified) from the cookies it consumed. */
async function readHandover<M extends FlashMap>(
  requestHeaders: { get(name: string): string | null },
  instance: Flash<M>,
): Promise<RenderRead> {
  const verdict = requestHeaders.get(PROXY_HEADER);
  if (verdict === null) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "flashkit/next: this request did not pass through flashkit's proxy, so its messages cannot be consumed: " +
        "call it from proxy.ts (export function proxy(request) { return flashProxy(request); }) and let its matcher include this page",
    );
  }
  const [mode, seen] = verdict.split(";");
  if (requestHeaders.get(RSC) === "1" && seen !== RSC) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "flashkit/next: the proxy cannot see Next's RSC headers, so it cannot tell a client-side navigation from a prefetch: " +
        "set skipProxyUrlNormalize: true in next.config",
    );
  }
  const cookieHeader = mode === "action-redirect" ? requestHeaders.get("cookie") : requestHeaders.get(HANDOVER_HEADER);
  if (mode === "kept" || !cookieHeader) return { messages: [], pending: false, token: "" };
  const stored = await instance.store.load(new CollectingRequest(cookieHeader));
  return {
    messages: stored.map((entry) => [entry.category, entry.message] as const),
    pending: mode === "action-redirect" && stored.length > 0,
    // The messages' ids: the render inside a server action's request and the refresh that consumes
    // its messages show one list, so the client part treats them as one render.
    token: stored.map((entry) => entry.id).join("."),
  };
}

function select(messages: readonly CategorizedMessage[], options: GetFlashedMessagesOptions = {}): unknown[] {
  const filter = options.categoryFilter;
  const chosen = filter && filter.length > 0 ? messages.filter(([category]) => filter.includes(category)) : messages;
  return options.withCategories ? chosen.slice() : chosen.map(([, message]) => message);
}

/**
 * Whether a client-side navigation will render only the segments below the layouts the browser
 * already shows, without `slot`: the layout's `<FlashMessages>` would not run, so what the proxy
 * consumed would be lost. `router.refresh()` marks the root `refetch` and renders everything.
 */
function isPartialNavigation(requestHeaders: Headers, slot: string): boolean {
  if (requestHeaders.get(RSC) !== "1") return false;
  const tree = requestHeaders.get(STATE_TREE);
  if (tree === null) return false;
  try {
    const root = JSON.parse(decodeURIComponent(tree)) as unknown[];
    if (root[3] === "refetch") return false;
    const slots = root[1];
    return !(typeof slots === "object" && slots !== null && Object.hasOwn(slots, slot));
  } catch {
    return true;
  }
}

/** An answer that is not React's flight data: Next's client router loads the URL as a page instead. */
function pageLoad(request: NextRequest): NextResponse {
  return new NextResponse(null, {
    status: 204,
    headers: { "cache-control": "no-store", "x-flashkit-reload": request.nextUrl.pathname },
  });
}

/**
 * Whether a request renders a page for the user to see: a document load, or a client-side navigation
 * or refresh (`RSC: 1`), never a prefetch, a server action, a `fetch()` or a side request.
 */
function isPageRequest(method: string, requestHeaders: Headers): boolean {
  if (method !== "GET" || requestHeaders.has(ACTION) || isNextSideRequest(method, requestHeaders)) return false;
  if (requestHeaders.get(RSC) === "1") return true;
  const destination = requestHeaders.get("sec-fetch-dest");
  if (destination !== null) return DOCUMENT_DESTINATIONS.has(destination);
  return requestHeaders.get("accept")?.includes("text/html") ?? false;
}

/**
 * flashkit's side requests (HEAD, `Sec-Purpose: prefetch`, subresource loads: see `isSideRequest()`)
 * and the prefetches of Next's client router, which send `Next-Router-Prefetch` or
 * `Next-Router-Segment-Prefetch` with `RSC: 1` and no `Sec-Purpose`.
 *
 * @example
 * isNextSideRequest("GET", new Headers({ rsc: "1", "next-router-prefetch": "1" })); // true
 * isNextSideRequest("GET", new Headers({ rsc: "1" })); // false: a client-side navigation
 */
export function isNextSideRequest(
  method: string | undefined,
  requestHeaders: { get(name: string): string | null },
): boolean {
  if (isSideRequest(method, requestHeaders, headerOfFetch)) return true;
  return PREFETCH_HEADERS.some((name) => {
    const value = requestHeaders.get(name);
    return value !== null && value !== "0";
  });
}

function isControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && NEXT_CONTROL_FLOW.test(digest);
}

function outsideScope(call: string): FlashError {
  return new FlashError(
    "ERR_FLASH_CONFIG",
    `${call} works only inside withFlash(): a Server Component cannot set cookies, so flash from a server action or a route handler wrapped in withFlash()`,
  );
}

/** Without a secret outside production, one random secret for the whole process: the proxy and the routes are separate bundles. */
function withDevelopmentSecret(options: NextFlashOptions): NextFlashOptions {
  if (options.store || options.secret !== undefined || globalThis.process?.env?.FLASH_SECRET) return options;
  if (globalThis.process?.env?.NODE_ENV === "production") return options;
  const key = Symbol.for("flashkit.next.developmentSecret");
  const shared = globalThis as Record<symbol, string | undefined>;
  if (shared[key] === undefined) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    shared[key] = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    loggerOf(options).warn(
      "flashkit/next: no FLASH_SECRET, so messages are signed with a random secret until the server restarts; set FLASH_SECRET (32 bytes or more)",
    );
  }
  return { ...options, secret: shared[key] };
}

/** Next's cookie store, as much of it as flashkit writes through. */
interface NextCookieWriter {
  set(options: NextCookie): unknown;
}

interface NextCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "lax" | "strict" | "none";
  priority?: "low" | "medium" | "high";
  partitioned?: boolean;
}

/** A route handler's or server action's request: the commit goes through `cookies().set()`, one cookie per message. */
class ActionRequest implements FlashRequest {
  readonly cookieHeader: string | undefined;
  readonly #cookies: NextCookieWriter;
  readonly #headers: { get(name: string): string | null };
  readonly #method: string;

  constructor(cookieStore: NextCookieWriter, requestHeaders: { get(name: string): string | null }, method: string) {
    this.cookieHeader = requestHeaders.get("cookie") ?? undefined;
    this.#cookies = cookieStore;
    this.#headers = requestHeaders;
    this.#method = method;
  }

  get sideRequest(): boolean {
    return isNextSideRequest(this.#method, this.#headers);
  }

  appendSetCookie(header: string): void {
    this.#cookies.set(parseSetCookie(header));
  }
}

/**
 * Parses a `Set-Cookie` header that a flashkit store wrote (its value base64url, its attributes
 * flashkit's own) into the object Next's `cookies().set()` takes.
 *
 * @example
 * parseSetCookie("flash.x=abc; Path=/; Max-Age=600; HttpOnly; SameSite=Lax");
 * // { name: "flash.x", value: "abc", path: "/", maxAge: 600, httpOnly: true, sameSite: "lax" }
 */
export function parseSetCookie(header: string): NextCookie {
  const [pair = "", ...attributes] = header.split(";");
  const equals = pair.indexOf("=");
  const cookie: NextCookie = { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim() };
  for (const attribute of attributes) {
    const [rawKey = "", ...rest] = attribute.split("=");
    const key = rawKey.trim().toLowerCase();
    const value = rest.join("=").trim();
    if (key === "path") cookie.path = value;
    else if (key === "domain") cookie.domain = value;
    else if (key === "max-age") cookie.maxAge = Number(value);
    else if (key === "expires") cookie.expires = new Date(value);
    else if (key === "httponly") cookie.httpOnly = true;
    else if (key === "secure") cookie.secure = true;
    else if (key === "partitioned") cookie.partitioned = true;
    else if (key === "samesite") cookie.sameSite = value.toLowerCase() as NextCookie["sameSite"];
    else if (key === "priority") cookie.priority = value.toLowerCase() as NextCookie["priority"];
  }
  return cookie;
}
