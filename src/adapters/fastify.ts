/**
 * Fastify 5 adapter: `app.register(flash({ secret }))`, then `request.flash()` in routes and
 * `get_flashed_messages()` in templates (through `reply.locals`, which @fastify/view merges into
 * every template's data). The plugin carries what fastify-plugin would set, without depending on
 * it: its decorations and hooks reach every route of the app, and Fastify refuses it on another major.
 *
 * One request: the jar is opened and loaded in `onRequest` (awaited for an asynchronous store), so
 * later `onRequest` hooks can flash and read, and committed in `onSend`, awaited before the headers
 * go out, for every reply: redirects, strings, JSON, streams, `reply.view()`, 404s and errors. With
 * the session store the jar is loaded in `preParsing` instead, after every `onRequest` hook, because
 * @fastify/session and @fastify/secure-session load the session in theirs (registered after flashkit).
 */
import type {
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
  preParsingHookHandler,
} from "fastify";
import type { Flash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import { assignTemplateFunctions, type FlashFunction } from "../core/request-api.js";
import { headerOfRecord, isSideRequest } from "../core/side-requests.js";
import type { FlashLogger, FlashMap, FlashRequest, RegisteredFlashes } from "../core/types.js";
import type { FlashAdapterOptions, RequestApi } from "./shared.js";
import { loggerOf, REQUEST_JAR, requestApi, resolveFlash, settle } from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * Flashes a message for the next request: `request.flash(message, category = "message")`.
     * Also `request.flash.now()`, `request.flash.keep()`, `request.flash.peek()`.
     */
    flash: FlashFunction<RegisteredFlashes>;
    /** Flask's `get_flashed_messages()`: the first call consumes every pending message. */
    getFlashedMessages: FlashJar<RegisteredFlashes>["getFlashedMessages"];
  }
  interface FastifyReply {
    /**
     * Template data of this reply, merged by @fastify/view into every `reply.view()`: flashkit puts
     * `get_flashed_messages()` and `getFlashedMessages()` here.
     */
    locals?: Record<string, unknown>;
  }
}

/**
 * Options of the Fastify plugin. Its `onCommitError(error, request, reply)` runs when the commit in
 * `onSend` fails, after the warning and before the headers go out. It can change the status and
 * headers (`reply.code(503)`, `reply.removeHeader("location")`) and return a new payload (a string or
 * Buffer) to send instead; returning nothing keeps the payload. To decide in the route instead, use
 * `await request.flash.save()`.
 *
 * @example
 * flash({
 *   onCommitError: (error, request, reply) => {
 *     reply.code(503).removeHeader("location").type("text/plain");
 *     return "Saved, but the confirmation could not be stored";
 *   },
 * });
 */
export type FastifyFlashOptions = FlashAdapterOptions<
  (error: unknown, request: FastifyRequest, reply: FastifyReply) => unknown
>;

type FlashkitRequest = FastifyRequest & {
  session?: Record<string, unknown> | null;
  [REQUEST_JAR]: FastifyFlashRequest | null;
};

const SESSION_ORDER =
  "register flashkit/fastify before @fastify/session or @fastify/secure-session when you use the " +
  "session store: those plugins save the session in their onSend hook, and Fastify runs onSend hooks in " +
  "the order they were added, so flashkit's must come first to put the messages in the session. " +
  "For example: app.register(fastifyCookie); app.register(flash({ store: sessionStore() })); app.register(fastifySession, {...})";

/**
 * Creates the Fastify plugin. Register it before your routes (it reaches every route of the app,
 * whatever the encapsulation), and before @fastify/session or @fastify/secure-session when you use the
 * session store.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work; the plugin fails
 *   Fastify's start-up when it is registered twice, or after a session plugin with the session store.
 * @example
 * import Fastify from "fastify";
 * import formbody from "@fastify/formbody";
 * import { flash } from "flashkit/fastify";
 *
 * const app = Fastify();
 * await app.register(formbody);
 * await app.register(flash({ secret: process.env.FLASH_SECRET }));
 * app.post("/update_profile", async (request, reply) => {
 *   request.flash("Profile updated successfully!", "success");
 *   return reply.redirect("/profile");
 * });
 */
export function flash<M extends FlashMap = RegisteredFlashes>(
  options: FastifyFlashOptions | Flash<M> = {},
): FastifyPluginCallback {
  const instance = resolveFlash<M>(options);
  const logger = loggerOf(options);
  const usesSession = instance.store.usesSession === true;
  const { onCommitError } = options as FastifyFlashOptions;

  function flashkitOpen(rawRequest: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
    const request = rawRequest as FlashkitRequest;
    // request.flash and request.getFlashedMessages are accessors on Fastify's request prototype that
    // build this request's functions on first use; the template functions go in reply.locals.
    const state = new FastifyFlashRequest(request, reply, instance as Flash<FlashMap>, logger);
    request[REQUEST_JAR] = state;
    reply.locals ??= {};
    assignTemplateFunctions(reply.locals, state.jar);
    if (usesSession) done();
    else load(state.jar, done);
  }

  const flashkitLoadSession: preParsingHookHandler = function flashkitLoadSession(request, _reply, payload, done) {
    const jar = (request as FlashkitRequest)[REQUEST_JAR]?.jar;
    if (jar) load(jar, (error) => (error ? done(error) : done(null, payload)));
    else done(null, payload);
  };

  const flashkitSettle: onSendHookHandler = function flashkitSettle(request, reply, payload, done) {
    const jar = (request as FlashkitRequest)[REQUEST_JAR]?.jar;
    const committing = jar ? settle(jar, logger, onCommitError, request, reply) : undefined;
    if (committing) committing.then((replaced) => done(null, replaced ?? payload), done);
    else done(null, payload);
  };

  const plugin: FastifyPluginCallback = function flashkitFastify(fastify, _pluginOptions, done) {
    if (fastify.hasRequestDecorator("flash")) {
      done(
        new FlashError(
          "ERR_FLASH_CONFIG",
          "request.flash is already decorated: flashkit/fastify is registered twice, or another flash plugin " +
            "(such as @fastify/flash) is registered too; register flashkit/fastify once, at the root, and no other",
        ),
      );
      return;
    }
    if (usesSession && fastify.hasRequestDecorator("session")) {
      done(new FlashError("ERR_FLASH_CONFIG", SESSION_ORDER));
      return;
    }
    for (const name of ["flash", "getFlashedMessages"] as const) {
      fastify.decorateRequest(name, {
        getter(this: FlashkitRequest) {
          return this[REQUEST_JAR]?.api[name];
        },
        // Assigning makes an own property, as with a plain decoration.
        setter(this: FlashkitRequest, value: unknown) {
          Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
        },
      } as never);
    }
    fastify.decorateRequest(REQUEST_JAR as unknown as string, null);
    if (!fastify.hasReplyDecorator("locals")) fastify.decorateReply("locals", null as never);
    fastify.addHook("onRequest", flashkitOpen);
    if (usesSession) fastify.addHook("preParsing", flashkitLoadSession);
    fastify.addHook("onSend", flashkitSettle);
    done();
  };
  // What fastify-plugin sets: no encapsulation, a display name, the name and Fastify range Fastify checks.
  return Object.assign(plugin, {
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "flashkit",
    [Symbol.for("plugin-meta")]: { name: "flashkit", fastify: "5.x" },
  });
}

/**
 * The store's view of one Fastify request, and flashkit's state for it (kept on the request under
 * `REQUEST_JAR`). A class, not an object literal with a getter: a
 * literal's getter is a new function per request, which gives every request object its own hidden
 * class (and costs garbage collection on every request).
 */
class FastifyFlashRequest implements FlashRequest {
  readonly cookieHeader: string | undefined;
  readonly jar: FlashJar<FlashMap>;
  #api: RequestApi | undefined;
  #watching = false;
  readonly #request: FlashkitRequest;
  readonly #reply: FastifyReply;
  readonly #logger: FlashLogger;

  constructor(request: FlashkitRequest, reply: FastifyReply, instance: Flash<FlashMap>, logger: FlashLogger) {
    this.#request = request;
    this.#reply = reply;
    this.#logger = logger;
    this.cookieHeader = request.headers.cookie;
    this.jar = instance.open(this);
  }

  appendSetCookie(header: string): void {
    // Fastify appends a repeated set-cookie header instead of replacing it.
    this.#reply.header("set-cookie", header);
  }

  get session(): Record<string, unknown> | undefined {
    return this.#request.session ?? undefined;
  }

  get sideRequest(): boolean {
    return isSideRequest(this.#request.method, this.#request.headers, headerOfRecord);
  }

  /** `request.flash` and `request.getFlashedMessages`, made on first use. */
  get api(): RequestApi {
    this.#api ??= requestApi(this.jar, this.#watchForHijack.bind(this));
    return this.#api;
  }

  /**
   * A hijacked reply skips onSend, so what this request flashed is never saved: say so when the
   * response finishes. Watched from the first flash only (a read that is not saved only shows its
   * messages again), instead of an onResponse hook that every request would pay for.
   */
  #watchForHijack(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#reply.raw.once("finish", () => {
      if (!this.jar.committed) {
        this.#logger.warn(
          "flashkit: the reply was sent without onSend (reply.hijack()?), so flash messages were not saved",
        );
      }
    });
  }
}

/** Loads a jar, then calls `done`, at once for a synchronous store; a store's error goes to `done`. */
function load(jar: FlashJar<FlashMap>, done: (error?: Error) => void): void {
  let loading: void | Promise<void>;
  try {
    loading = jar.load();
  } catch (error) {
    done(error as Error);
    return;
  }
  if (loading) loading.then(() => done(), done);
  else done();
}
