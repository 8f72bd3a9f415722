/**
 * The contract of the test apps: one app module per framework (express.ts, fastify.ts, koa.ts,
 * hono.ts, fetch.ts) builds a Node request listener from a configured flashkit instance and a table of
 * routes, each written once, framework-free. The conformance protocol, the no-loss workload and the
 * browser tests each bring their table; the app module only routes, reads the body, hands the route
 * the request's flash API and sends what it answers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Flash } from "../../core/create-flash.js";
import type { FlashMap, GetFlashedMessagesOptions, MaybePromise } from "../../core/types.js";

/** A Node request listener, what `http.createServer()` takes. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The slice of a request's flash API a route drives; every adapter exposes these two. */
export interface TestFlashApi {
  /** Flashes `message`; `category` `undefined` means Flask's one-argument form. */
  flash(message: unknown, category?: string): void;
  /** Flask's `get_flashed_messages()`. */
  getFlashedMessages(options?: GetFlashedMessagesOptions): unknown[];
}

/** What a route's handler gets. */
export interface TestRouteRequest {
  /** The path parameters (`/flash/:id` gives `id`). */
  readonly params: Readonly<Record<string, string>>;
  /** The query string. */
  readonly query: URLSearchParams;
  /** The body as text when the route asked for it (`body: true`), else `""`. */
  readonly body: string;
  /** The request's flash API. */
  readonly flash: TestFlashApi;
}

/** What a route answers: a JSON body (`json`, even `null`), a text body (`text`), or none. */
export interface TestRouteResponse {
  /** @default 200 */
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  /** The Content-Type of a text body: `"html"`, `"text/plain"`, any full type. @default the framework's for a string */
  readonly type?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One route of a test app. */
export interface TestRoute {
  readonly method: "GET" | "POST";
  /** A path, with at most named segments (`/flash/:id`), as Express, Fastify and Hono write them. */
  readonly path: string;
  /**
   * Read the body as text, whatever its content type (Flask's `get_json(force=True)`), up to 1 MB
   * (a larger one is a `413`).
   * @default false
   */
  readonly body?: boolean;
  handle(request: TestRouteRequest): MaybePromise<TestRouteResponse>;
}

/** What an app module gets. */
export interface TestAppContext {
  /** The flashkit instance to install, built over the chosen store. */
  readonly flash: Flash<FlashMap>;
  /** The routes, tried in order. */
  readonly routes: readonly TestRoute[];
  /** The answer to any other request. @default a `404` with `{"error": "not found"}` */
  readonly notFound?: TestRouteResponse;
  /**
   * The framework module to use instead of importing it by its usual name, for a second major version
   * installed under an alias (`express4`). `undefined` means `import("<framework>")`.
   */
  readonly framework?: unknown;
  /**
   * Whether the store keeps messages in the app's session (`sessionStore()`): the app then installs
   * its framework's session middleware (express-session with its MemoryStore, @fastify/cookie +
   * @fastify/session, koa-session). Hono and fetch have none.
   * @default false
   */
  readonly session?: boolean;
  /**
   * Where flashkit (and the session middleware) is installed: `"routes"` in front of each of the
   * table's routes, after its body parser; `"app"` once, app-wide, before {@link native}'s routes, as
   * most apps mount it. Fastify's plugin and the fetch adapter's `withFlash` cover the whole app
   * either way.
   * @default "routes"
   * @example
   * // flashkit in front of every route, the table's and the native ones
   * await testApps.koa({ flash, routes: [], mount: "app", native: (app) => (app as Koa).use(myRoutes) });
   */
  readonly mount?: "routes" | "app";
  /**
   * Installs framework-native routes (static files, a benchmark's routes), given the framework's app
   * object (Express, Fastify, Koa, Hono): after what {@link mount} puts app-wide, before the table's
   * routes, and on Koa outside the table's error handling (a native route's error gets Koa's own
   * answer), so a request they answer does none of the table's work.
   */
  readonly native?: (app: unknown) => void;
}

/** A Web handler, what `Bun.serve()`, `Deno.serve()` and a Worker's `fetch` take. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** A built test app: its listener, and `close()` for what the framework holds beside the server. */
export interface TestApp {
  readonly handler: NodeHandler;
  /** The same app as a Web handler, for the frameworks built on `Request`/`Response` (Hono, fetch). */
  readonly fetch?: FetchHandler;
  close(): Promise<void>;
}

/** Builds the test app of one framework. Frameworks are imported dynamically, inside the factory. */
export type TestAppFactory = (context: TestAppContext) => Promise<TestApp>;

/**
 * `@hono/node-server`'s options for the Hono and fetch apps: by default it replaces the global
 * `Request` and `Response` with its own, which `Bun.serve()` and `Deno.serve()` then refuse as
 * responses, and which an app's own code would not expect from a test helper.
 */
export const NODE_SERVER_OPTIONS = { overrideGlobalObjects: false } as const;

/** The largest body a route reads, as Express's `express.text({ limit: "1mb" })`. */
export const BODY_LIMIT = 1024 * 1024;

/** The default answer to a request no route takes. */
export const NOT_FOUND: TestRouteResponse = { status: 404, json: { error: "not found" } };

/** A random 32-byte secret in hex, for the session middlewares of the test apps. */
export function randomHexSecret(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("hex");
}

/** The route of `method` and `pathname` in `routes` with its parameters, for the frameworks without a router. */
export function matchRoute(
  routes: readonly TestRoute[],
  method: string,
  pathname: string,
): { route: TestRoute; params: Record<string, string> } | undefined {
  const segments = pathname.split("/");
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i] ?? "";
      if (!part.startsWith(":")) return part === segment;
      params[part.slice(1)] = decodeURIComponent(segment);
      return segment !== "";
    });
    if (matches) return { route, params };
  }
  return undefined;
}

/** A route's answer as a web `Response`, for Hono and fetch. */
export function toResponse(answer: TestRouteResponse): Response {
  const headers = new Headers(answer.headers);
  const status = answer.status ?? 200;
  if ("json" in answer) {
    headers.set("Content-Type", "application/json");
    return new Response(JSON.stringify(answer.json), { status, headers });
  }
  if (answer.text === undefined) return new Response(null, { status, headers });
  headers.set("Content-Type", contentType(answer.type ?? "text/plain"));
  return new Response(answer.text, { status, headers });
}

/** A full Content-Type for the short names Express and Koa take (`html`, `text/plain`). */
function contentType(type: string): string {
  const full = type.includes("/") ? type : type === "html" ? "text/html" : `text/${type}`;
  return full.includes("charset") ? full : `${full}; charset=utf-8`;
}

/** A `TestFlashApi` over the object holding a request's `flash` and `getFlashedMessages` (`req`, `ctx`, `c.var`). */
export function flashApi(owner: {
  flash(message: never, category?: never): void;
  getFlashedMessages(options?: GetFlashedMessagesOptions): unknown[];
}): TestFlashApi {
  return {
    flash: (message, category) =>
      category === undefined ? owner.flash(message as never) : owner.flash(message as never, category as never),
    getFlashedMessages: (options) => owner.getFlashedMessages(options),
  };
}
