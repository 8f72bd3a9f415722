/**
 * What every adapter shares: its options and set-up (a `createFlash()` instance, or options with the
 * signed-cookie store when they name no store), the logger, the end-of-request commit that warns
 * instead of throwing, and the request-side state (where a request's jar is kept, its lazy API).
 */
import { createFlash, defaultLogger, type Flash, type FlashOptions, isFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import { type FlashFunction, flashFunction } from "../core/request-api.js";
import {
  type FlashLogger,
  type FlashMap,
  type FlashStore,
  isPromise,
  type MaybePromise,
  type RegisteredFlashes,
} from "../core/types.js";
import { type CookieStoreOptions, cookieStore } from "../stores/cookie.js";
import type { FlashSecret } from "../stores/shared.js";

/**
 * Options of every adapter's middleware factory; each adapter names it (`ExpressFlashOptions`,
 * `KoaFlashOptions`, ...) with the type of its own `onCommitError` hook.
 *
 * @typeParam OnCommitError - the adapter's hook; `never` where it has none (Express, connect-flash).
 */
export interface FlashAdapterOptions<OnCommitError = never> extends Omit<FlashOptions, "store"> {
  /**
   * Where pending messages live.
   * @default cookieStore({ secret, ...cookie })
   */
  store?: FlashStore;
  /**
   * The secret (or secrets, newest first) of the default cookie store: at least 32 bytes.
   * Required when `NODE_ENV` is `production`.
   * @default process.env.FLASH_SECRET, else a random one with a warning (an error in production)
   * @example secret: process.env.FLASH_SECRET
   */
  secret?: FlashSecret | readonly FlashSecret[];
  /** Cookie settings of the default cookie store (`secure`, `domain`, `sameSite`, `maxAge`, ...). */
  cookie?: Omit<CookieStoreOptions, "secret" | "logger">;
  /**
   * Called when the commit at the end of the request fails (the Redis store is unreachable, full or
   * refuses the write: `error` is the store's `FlashError`), after the warning and before the response
   * leaves, with the framework's objects; what it may return depends on the adapter (see its options).
   * Express and connect-flash have none: they commit inside `res.writeHead()`/`res.end()`, when the
   * route has already chosen the response. To decide in the route instead, use `await flash.save()`.
   * @default undefined (the warning only)
   */
  onCommitError?: OnCommitError;
}

/**
 * Returns the flashkit instance an adapter works with. With neither `secret` nor `store`, the default
 * cookie store signs with `FLASH_SECRET` from the environment, where the runtime has one.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` when the options cannot work.
 */
export function resolveFlash<M extends FlashMap>(options: FlashAdapterOptions<unknown> | Flash<M>): Flash<M> {
  if (isFlash(options)) return options as Flash<M>;
  const { store, secret, cookie, onCommitError: _hook, ...rest } = options as FlashAdapterOptions<unknown>;
  refuseStoreWithSecret(options as FlashAdapterOptions<unknown>);
  return createFlash<M>({
    ...rest,
    store:
      store ??
      cookieStore({
        ...cookie,
        secret: secret === undefined ? environmentSecret() : secret,
        logger: loggerOf(options),
      }),
  });
}

function refuseStoreWithSecret({ store, secret, cookie }: FlashAdapterOptions<unknown>): void {
  if (store && (secret !== undefined || cookie !== undefined)) {
    throw new FlashError(
      "ERR_FLASH_CONFIG",
      "`secret` and `cookie` configure the default cookie store: with your own `store`, pass them to that store",
    );
  }
}

/** The `secret` option's value: one secret, or several, newest first. */
export type FlashSecrets = FlashSecret | readonly FlashSecret[];

/**
 * A `secret` option read per request, from what the request carries (Cloudflare Workers' `env`
 * bindings): called with the adapter's per-request arguments, it returns the secret, or a promise of
 * it (a Secrets Store binding's `get()`).
 */
export type SecretResolver<T extends unknown[]> = (...args: T) => MaybePromise<FlashSecrets | undefined>;

/** How an adapter reads secrets per request, for {@link perRequestFlash} and {@link flashResolver}. */
export interface PerRequestSecret<T extends unknown[]> {
  /** The adapter's name, for errors: `"flashkit/fetch"`. */
  readonly adapter: string;
  /** The request's bindings (Workers' `env`), whose `FLASH_SECRET` is read, where the adapter's arguments carry them. */
  readonly bindings: (...args: T) => unknown;
  /** How the app passes a secret of its own, for errors: `"secret: (request, env) => env.MY_SECRET"`. */
  readonly example: string;
}

/** Past this many distinct secrets, the per-secret instances are dropped and made again. */
const MAX_SECRET_INSTANCES = 16;

/**
 * The per-request instance maker of an adapter whose secret can come with the request: when `secret`
 * is a function, or when the options name neither `secret` nor `store`, `process.env` has no
 * `FLASH_SECRET` and the runtime is Cloudflare Workers or has no `process` at all: then
 * `FLASH_SECRET` is read from the request's bindings (Workers' `env`), never made up at random (each
 * isolate would sign with its own). Each distinct secret gets one instance, made on the first
 * request that brings it.
 * Returns `undefined` when the instance is made once, at start-up, by {@link resolveFlash}.
 *
 * The maker throws `FlashError` `ERR_FLASH_CONFIG` when a request brings no secret: a Worker has no
 * start-up with its bindings, so its first request is where the misconfiguration shows.
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when a `secret` function comes with a `store`.
 */
function perRequestFlash<M extends FlashMap, T extends unknown[]>(
  options: FlashAdapterOptions<unknown> | Flash<M>,
  how: PerRequestSecret<T>,
): ((...args: T) => MaybePromise<Flash<M>>) | undefined {
  if (isFlash(options)) return undefined;
  const adapterOptions = options as FlashAdapterOptions<unknown>;
  const { secret } = adapterOptions as { secret?: unknown };
  let read: (...args: T) => unknown;
  let missing: string;
  if (typeof secret === "function") {
    refuseStoreWithSecret(adapterOptions);
    read = secret as (...args: T) => unknown;
    missing =
      `${how.adapter}: the \`secret\` function returned no secret: return at least 32 random bytes, ` +
      `for example the Worker's FLASH_SECRET binding (${SET_WORKER_SECRET})`;
  } else if (
    secret === undefined &&
    adapterOptions.store === undefined &&
    environmentSecret() === undefined &&
    (globalThis.process === undefined || globalThis.navigator?.userAgent === "Cloudflare-Workers")
  ) {
    read = (...args) => {
      const bindings = how.bindings(...args);
      return typeof bindings === "object" && bindings !== null ? Reflect.get(bindings, "FLASH_SECRET") : undefined;
    };
    missing =
      `${how.adapter} found no secret: neither process.env nor the request's env bindings hold ` +
      `FLASH_SECRET: set it (${SET_WORKER_SECRET}), or pass \`${how.example}\``;
  } else {
    return undefined;
  }

  const instances = new Map<unknown, Flash<M>>();
  const forSecret = (value: unknown): Flash<M> => {
    if (value === undefined || value === null || value === "") throw new FlashError("ERR_FLASH_CONFIG", missing);
    const key = secretKey(value);
    let instance = instances.get(key);
    if (!instance) {
      instance = resolveFlash<M>({ ...adapterOptions, secret: value as FlashSecrets });
      if (instances.size >= MAX_SECRET_INSTANCES) instances.clear();
      instances.set(key, instance);
    }
    return instance;
  };
  return (...args) => {
    const value = read(...args);
    return isPromise(value) ? value.then(forSecret) : forSecret(value);
  };
}

/**
 * The instance maker of an adapter whose secret can come with the request (the Fetch-based ones):
 * {@link perRequestFlash}'s maker when the secret comes with each request, else one instance made
 * now by {@link resolveFlash}, which `check` sees first (to refuse a store the adapter cannot serve).
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work.
 */
export function flashResolver<M extends FlashMap, T extends unknown[]>(
  options: FlashAdapterOptions<unknown> | Flash<M>,
  how: PerRequestSecret<T> & { readonly check?: (instance: Flash<M>) => void },
): (...args: T) => MaybePromise<Flash<M>> {
  const perRequest = perRequestFlash<M, T>(options, how);
  if (perRequest) return perRequest;
  const instance = resolveFlash<M>(options);
  how.check?.(instance);
  return () => instance;
}

const SET_WORKER_SECRET = "`wrangler secret put FLASH_SECRET`; for `wrangler dev`, FLASH_SECRET=... in .dev.vars";

/** A cache key equal for equal text secrets (a binding's string, a fresh list of strings each request). */
function secretKey(value: unknown): unknown {
  if (typeof value === "string") return `1:${value}`;
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return `n:${JSON.stringify(value)}`;
  return value;
}

/** `FLASH_SECRET` from the environment, when the runtime has one (Node, Bun, Deno's Node shim) and it is not empty. */
function environmentSecret(): string | undefined {
  return globalThis.process?.env?.FLASH_SECRET || undefined;
}

/** Where an adapter reports what it does not throw: the `logger` option, else the core's `defaultLogger`. */
export function loggerOf(options: FlashAdapterOptions<unknown> | Flash<never>): FlashLogger {
  return ("logger" in options && options.logger) || defaultLogger;
}

/**
 * Commits a request's jar at the end of the request, for an adapter. A store that cannot commit (its
 * backend is down or full) costs this request's flash changes and a warning, never the response; with
 * `onError` (an adapter's `onCommitError` option) the warning is followed by `onError(error, target,
 * extra)`, whose result the returned promise carries. Returns nothing when the commit ended
 * synchronously and well.
 */
export function settle<T = undefined, U = undefined, R = void>(
  jar: Pick<FlashJar, "commit">,
  logger: FlashLogger,
  onError?: (error: unknown, target: T, extra: U) => R | Promise<R>,
  target?: T,
  extra?: U,
): undefined | Promise<R | undefined> {
  try {
    const committing = jar.commit();
    if (isPromise(committing)) {
      return committing.then(
        () => undefined,
        (error: unknown) => commitFailed(logger, error, onError, target as T, extra as U),
      );
    }
  } catch (error) {
    const reported = commitFailed(logger, error, onError, target as T, extra as U);
    if (onError) return Promise.resolve(reported);
  }
  return undefined;
}

function commitFailed<T, U, R>(
  logger: FlashLogger,
  error: unknown,
  onError: ((error: unknown, target: T, extra: U) => R | Promise<R>) | undefined,
  target: T,
  extra: U,
): R | Promise<R> | undefined {
  warnCommitFailed(logger, error);
  return onError?.(error, target, extra);
}

function warnCommitFailed(logger: FlashLogger, error: unknown): void {
  const reason = error instanceof FlashError ? `(${error.code}) ${error.message}` : String(error);
  logger.warn(`flashkit: could not commit flash messages: ${reason}`);
}

/**
 * Where an adapter keeps a request's jar on the framework's request object, so that another
 * flashkit middleware on the same request (flashkit/connect-flash over flashkit/express) works on
 * the same jar instead of opening a second one.
 */
export const REQUEST_JAR: unique symbol = Symbol.for("flashkit.jar") as never;

/**
 * The type of Express's `req.flash`, filled in by declaration merging: flashkit/express adds
 * Flask's call signatures and methods (`req.flash(message, category)`, `.now()`, `.keep()`, ...),
 * flashkit/connect-flash adds connect-flash's (`req.flash(type, message)`, `req.flash(type)`,
 * `req.flash()`). Both declare `Express.Request["flash"]` as this one interface, so a program that
 * loads both still type-checks, with connect-flash's signatures first. It lives here, not in
 * express.ts, so that an app that loads only flashkit/connect-flash does not get Flask's signatures.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the Express adapters through declaration merging
export interface ExpressRequestFlash {}

/** A request's `flash` and `getFlashedMessages`, as the adapters hang them on the request. */
export interface RequestApi {
  readonly flash: FlashFunction<RegisteredFlashes>;
  readonly getFlashedMessages: FlashJar<RegisteredFlashes>["getFlashedMessages"];
}

/**
 * Builds a request's {@link RequestApi} over its jar, each function on first use: a quiet page reads
 * with `getFlashedMessages` and never needs `flash`. `beforeFlash` as in `flashFunction()`.
 */
export function requestApi(jar: FlashJar<FlashMap>, beforeFlash?: () => void): RequestApi {
  return new LazyRequestApi(jar, beforeFlash);
}

class LazyRequestApi implements RequestApi {
  readonly #jar: FlashJar<FlashMap>;
  readonly #beforeFlash: (() => void) | undefined;
  #flash: RequestApi["flash"] | undefined;
  #getFlashedMessages: RequestApi["getFlashedMessages"] | undefined;

  constructor(jar: FlashJar<FlashMap>, beforeFlash: (() => void) | undefined) {
    this.#jar = jar;
    this.#beforeFlash = beforeFlash;
  }

  get flash(): RequestApi["flash"] {
    this.#flash ??= flashFunction(this.#jar, this.#beforeFlash) as unknown as RequestApi["flash"];
    return this.#flash;
  }

  get getFlashedMessages(): RequestApi["getFlashedMessages"] {
    this.#getFlashedMessages ??= this.#jar.getFlashedMessages.bind(this.#jar) as RequestApi["getFlashedMessages"];
    return this.#getFlashedMessages;
  }
}

/**
 * Defines `flash` and `getFlashedMessages` once on a framework's per-app prototype of its request
 * objects (Express's `app.request`, Koa's `app.context`), as accessors that return `apiOf(this)`:
 * one state object per request instead of two own properties and five functions, which V8 adds
 * slowly to these large objects. Assigning either makes an own property, as connect-flash does.
 * `marker` records the installation on `proto`.
 */
export function defineRequestAccessors(
  proto: object,
  marker: symbol,
  apiOf: (target: object) => RequestApi | undefined,
): void {
  Object.defineProperty(proto, marker, { value: true });
  for (const name of ["flash", "getFlashedMessages"] as const) {
    Object.defineProperty(proto, name, {
      configurable: true,
      enumerable: false,
      get(this: object) {
        return apiOf(this)?.[name];
      },
      set(this: object, value: unknown) {
        Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
      },
    });
  }
}
