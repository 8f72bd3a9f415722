/**
 * Express 4 and 5 adapter: `app.use(flash({ secret }))`, then `req.flash()` in routes and
 * `get_flashed_messages()` in templates. The delta is committed just before the response headers
 * go out, however the response is sent (redirect, render, send, end, pipe).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Flash } from "../core/create-flash.js";
import type { FlashJar } from "../core/jar.js";
import { type FlashFunction, flashFunction, templateFunctions } from "../core/request-api.js";
import type { FlashMap, FlashRequest, RegisteredFlashes } from "../core/types.js";
import {
  type AdapterOptions,
  adapterLogger,
  commitJar,
  type ExpressRequestFlash,
  REQUEST_JAR,
  resolveFlash,
} from "./resolve-flash.js";

declare global {
  namespace Express {
    interface Request {
      /**
       * Flashes a message for the next request: `req.flash(message, category = "message")`.
       * Also `req.flash.now()`, `req.flash.keep()`, `req.flash.peek()`.
       */
      flash: ExpressRequestFlash;
      /** Flask's `get_flashed_messages()`: the first call consumes every pending message. */
      getFlashedMessages: FlashJar<RegisteredFlashes>["getFlashedMessages"];
    }
  }
}

declare module "./resolve-flash.js" {
  interface ExpressRequestFlash extends FlashFunction<RegisteredFlashes> {}
}

/** Options of the Express middleware. */
export type ExpressFlashOptions = AdapterOptions;

type Next = (error?: unknown) => void;
const INSTALLED: unique symbol = Symbol.for("flashkit.express") as never;
type ExpressLikeRequest = IncomingMessage &
  Pick<Express.Request, "flash" | "getFlashedMessages"> & {
    session?: Record<string, unknown>;
    [INSTALLED]?: true;
    [REQUEST_JAR]?: FlashJar<FlashMap>;
  };
type ExpressLikeResponse = ServerResponse & { locals?: Record<string, unknown> };

/**
 * Creates the Express middleware. Install it before the routes (and after a session middleware
 * when you use the session store).
 *
 * @throws {FlashError} `ERR_FLASH_CONFIG` at start-up when the options cannot work.
 * @example
 * import express from "express";
 * import { flash } from "flashkit/express";
 *
 * const app = express();
 * app.use(flash({ secret: process.env.FLASH_SECRET }));
 * app.post("/update_profile", (req, res) => {
 *   req.flash("Profile updated successfully!", "success");
 *   res.redirect("/profile");
 * });
 */
export function flash<M extends FlashMap = RegisteredFlashes>(
  options: ExpressFlashOptions | Flash<M> = {},
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const instance = resolveFlash<M>(options);
  const logger = adapterLogger(options);

  return function flashkitExpress(rawReq: IncomingMessage, rawRes: ServerResponse, next: Next): void {
    const req = rawReq as ExpressLikeRequest;
    const res = rawRes as ExpressLikeResponse;
    if (req[INSTALLED]) {
      next();
      return;
    }
    req[INSTALLED] = true;

    const jar = instance.open(new ExpressFlashRequest(req, res));
    req[REQUEST_JAR] = jar as FlashJar<FlashMap>;
    req.flash = flashFunction(jar) as unknown as Express.Request["flash"];
    req.getFlashedMessages = jar.getFlashedMessages.bind(jar) as Express.Request["getFlashedMessages"];
    if (res.locals) Object.assign(res.locals, templateFunctions(jar as FlashJar<FlashMap>));

    let committing: Promise<void> | undefined;
    let committed = false;
    const commit = (): void => {
      if (committed) return;
      committed = true;
      const result = commitJar(jar, logger);
      if (result) committing = result;
    };

    const writeHead = res.writeHead;
    res.writeHead = function flashkitWriteHead(this: ServerResponse, ...args: unknown[]) {
      commit();
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.writeHead;

    const end = res.end;
    res.end = function flashkitEnd(this: ServerResponse, ...args: unknown[]) {
      if (!this.headersSent) commit();
      const finish = () => (end as (...a: unknown[]) => ServerResponse).apply(this, args);
      if (!committing) return finish();
      committing.then(finish);
      return this;
    } as typeof res.end;

    const loading = jar.load();
    if (loading) loading.then(() => next(), next);
    else next();
  };
}

/**
 * The store's view of one Express request. A class, not an object literal with a getter: a
 * literal's getter is a new function per request, which gives every request object its own hidden
 * class (and costs garbage collection on every request).
 */
class ExpressFlashRequest implements FlashRequest {
  readonly cookieHeader: string | undefined;
  readonly #req: ExpressLikeRequest;
  readonly #res: ServerResponse;

  constructor(req: ExpressLikeRequest, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
    this.cookieHeader = req.headers.cookie;
  }

  appendSetCookie(header: string): void {
    this.#res.appendHeader("Set-Cookie", header);
  }

  get session(): Record<string, unknown> | undefined {
    return this.#req.session;
  }
}
