/**
 * The contract of a conformance adapter: given a configured flashkit instance, build a Node request
 * listener that speaks the protocol. An adapter is thin glue: route, read the body as text, hand the
 * request's flash API to `handleDo`, send its result. Fetch-style frameworks (Hono, the fetch
 * adapter) bridge their `(Request) => Response` handler to a Node listener in their entry.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Flash } from "../../core/create-flash.js";
import type { FlashMap } from "../../core/types.js";

/** A Node request listener, what `http.createServer()` takes. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What {@link ConformanceAdapterFactory} gets. */
export interface ConformanceAdapterContext {
  /** The flashkit instance to install, built over the chosen store. */
  readonly flash: Flash<FlashMap>;
  /**
   * The framework module to use instead of importing it by its usual name, for a second major version
   * installed under an alias (`express4`). `undefined` means `import("<framework>")`.
   */
  readonly framework: unknown;
  /**
   * Whether the store keeps messages in the app's session (`sessionStore()`): the adapter then
   * installs its framework's session middleware (express-session with its MemoryStore,
   * @fastify/cookie + @fastify/session, koa-session). An adapter without one fails on such a request.
   * @default false
   */
  readonly session?: boolean;
}

/** Builds the protocol app of one framework. Frameworks are imported dynamically, inside the factory. */
export type ConformanceAdapterFactory = (context: ConformanceAdapterContext) => Promise<NodeHandler>;
