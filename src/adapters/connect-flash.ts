/**
 * flashkit/connect-flash: connect-flash's API, exactly, over flashkit's stores. Replace
 * `require("connect-flash")` with `require("flashkit/connect-flash")` (the CommonJS build, the function
 * itself as connect-flash exports it) or `import flash from "flashkit/connect-flash"`, and `req.flash(type, message)`,
 * `req.flash(type)` and `req.flash()` behave as before, with signed cookies instead of the session
 * and no message lost to overlapping requests.
 *
 * This is glue over flashkit/express: that middleware opens the request's jar and commits its delta
 * before the response headers go out; this one only puts connect-flash's function on `req.flash`.
 * connect-flash runs on Express (so on Node) only, hence `util.format` from `node:util` for its
 * format strings, exactly as connect-flash formats them; the core stays runtime-neutral.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { format } from "node:util";
import { type Flash, isFlash } from "../core/create-flash.js";
import type { FlashJar } from "../core/jar.js";
import type { FlashMap } from "../core/types.js";
import { flash as expressFlash, requestJar } from "./express.js";
import type { ExpressRequestFlash, FlashAdapterOptions } from "./shared.js";

// Re-exported so that a program importing only this adapter loads the root module's types too: only
// then does TypeScript find the module that `declare module "flashkit" { interface Register ... }` augments.
export type { Register } from "../index.js";

declare global {
  namespace Express {
    interface Request {
      /**
       * connect-flash's `req.flash`: `req.flash(type, message)` queues a message and returns how
       * many of that type are pending, `req.flash(type)` returns and clears that type,
       * `req.flash()` returns and clears all as `{ type: [messages] }`.
       */
      flash: ExpressRequestFlash;
    }
  }
}

// Own call signatures, so they come before flashkit/express's (inherited ones) in a program that loads both.
declare module "./shared.js" {
  interface ExpressRequestFlash {
    (): { [type: string]: string[] };
    (type: string): string[];
    (type: string, message: string | string[]): number;
    (type: string, format: string, ...args: unknown[]): number;
  }
}

/**
 * connect-flash's `req.flash`, as {@link flash} installs it.
 *
 * @example
 * req.flash("info", "Email sent to %s.", user.email); // 1
 * req.flash("info"); // ["Email sent to ada@example.com."]
 */
export interface ConnectFlashFunction {
  /** Returns every pending message as `{ type: [messages] }`, and clears them all. */
  (): { [type: string]: string[] };
  /** Returns the pending messages of `type` (oldest first), and clears only that type. */
  (type: string): string[];
  /** Queues a message, or each message of an array; returns how many of `type` are now pending. */
  (type: string, message: string | string[]): number;
  /** Queues `util.format(format, ...args)`; returns how many of `type` are now pending. */
  (type: string, format: string, ...args: unknown[]): number;
}

/** Options of {@link flash}: flashkit's adapter options plus connect-flash's `unsafe`. */
export interface ConnectFlashOptions extends FlashAdapterOptions {
  /**
   * Replace a `req.flash` that another middleware already installed, as connect-flash's option of
   * the same name does. By default the middleware leaves an existing `req.flash` alone.
   * @default false
   */
  unsafe?: boolean;
}

type Next = (error?: unknown) => void;
type FlashableRequest = IncomingMessage & { flash?: unknown };

/**
 * Creates the middleware, a drop-in for connect-flash's `flash()`. No session middleware is needed:
 * messages live in flashkit's store (signed cookies unless `store` says otherwise).
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work (no secret in production).
 * @example
 * import flash from "flashkit/connect-flash"; // was: const flash = require("connect-flash");
 *
 * app.use(flash());
 * app.post("/login", (req, res) => {
 *   req.flash("error", "Invalid username or password");
 *   res.redirect("/login");
 * });
 * app.get("/login", (req, res) => res.render("login", { errors: req.flash("error") }));
 */
export function flash(
  options: ConnectFlashOptions | Flash<FlashMap> = {},
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  let unsafe = false;
  let settings: FlashAdapterOptions | Flash<FlashMap> = options;
  if (!isFlash(options)) {
    const { unsafe: replace, ...rest } = options;
    unsafe = Boolean(replace);
    settings = rest;
  }
  const open = expressFlash(settings);

  return function connectFlash(rawReq: IncomingMessage, res: ServerResponse, next: Next): void {
    const req = rawReq as FlashableRequest;
    // connect-flash: `if (req.flash && safe) return next();`
    if (req.flash && !unsafe) {
      // flashkit/express came first: its Flask-style req.flash("error") would flash "error" rather
      // than read it, so connect-flash's API goes over the same jar.
      const jar = requestJar(req);
      if (jar && !CONNECT_FLASH_FUNCTIONS.has(req.flash)) req.flash = connectFlashFunction(jar);
      next();
      return;
    }
    open(req, res, (error?: unknown) => {
      const jar = requestJar(req);
      if (error === undefined && jar) req.flash = connectFlashFunction(jar);
      next(error);
    });
  };
}

/**
 * Builds connect-flash's `req.flash` over a request's jar: the same argument rules as connect-flash
 * (a falsy type reads everything, a falsy message reads the type, more than two arguments go
 * through `util.format`, an array queues each element) and the same results.
 *
 * @example
 * const flash = connectFlashFunction(jar);
 * flash("info", ["a", "b"]); // 2
 * flash(); // { info: ["a", "b"] }
 */
export function connectFlashFunction(jar: FlashJar<FlashMap>): ConnectFlashFunction {
  const flash = function flash(type?: unknown, message?: unknown, ...args: unknown[]): unknown {
    if (type && message) {
      const category = String(type);
      if (args.length > 0) jar.flash(format(message, ...args), category);
      else if (Array.isArray(message)) for (const item of message) jar.flash(storable(item), category);
      else jar.flash(storable(message), category);
      return jar.remaining({ categoryFilter: [category] }).length;
    }
    // connect-flash's reads clear only what they return: consume(), not getFlashedMessages().
    if (type) return jar.consume({ categoryFilter: [String(type)] });
    return byType(jar.consume({ withCategories: true }));
  } as ConnectFlashFunction;
  CONNECT_FLASH_FUNCTIONS.add(flash);
  return flash;
}

/** The `req.flash` functions this module made, told apart from flashkit/express's own. */
const CONNECT_FLASH_FUNCTIONS = new WeakSet<object>();

/**
 * connect-flash keeps any value in the session, whose JSON turns `undefined`, functions and
 * symbols into `null` on the way to the next request; flashkit stores JSON, so they become `null`
 * here, where they would otherwise be a `TypeError`.
 */
function storable(message: unknown): unknown {
  return message === undefined || typeof message === "function" || typeof message === "symbol" ? null : message;
}

/** `{ type: [messages] }`, types in the order connect-flash's session object has them. */
function byType(pairs: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown[]> {
  const all: Record<string, unknown[]> = {};
  for (const [type, message] of pairs) {
    const list = Object.hasOwn(all, type) ? all[type] : undefined;
    if (list) list.push(message);
    else if (type === "__proto__") {
      Object.defineProperty(all, type, { value: [message], enumerable: true, writable: true, configurable: true });
    } else all[type] = [message];
  }
  return all;
}

export default flash;
// What `require()` of this ES module returns (Node 20.19+, Bun), as `require("connect-flash")` did; the
// CommonJS build (scripts/build-cjs.js) makes the same value its `module.exports`.
export { flash as "module.exports" };
