/**
 * flashkit/ejs: `<%- flashMessages() %>` in EJS views. The raw Flask API is there too: the
 * middleware already puts `get_flashed_messages` and `getFlashedMessages` in the view's locals.
 */
import type { RenderOptions } from "../render/render.js";
import { type FlashMessagesCall, renderFromLocals } from "./locals.js";

export type { FlashMessagesCall } from "./locals.js";

/** Options of {@link installFlash} and {@link createFlashHelpers}. */
export interface EjsFlashOptions {
  /**
   * Options of the renderer behind `flashMessages()` (theme, close mode, ...); a call's own
   * options override them.
   * @default {} (Bootstrap 5, close button, 3 messages expanded)
   */
  render?: RenderOptions | undefined;
}

/** The helpers {@link createFlashHelpers} returns and {@link installFlash} puts in the views' locals. */
export interface EjsFlashHelpers {
  /**
   * The request's messages rendered as HTML, always inside `<div id="flash-messages">`. Output
   * it unescaped (`<%- %>`): every message is already escaped. Reads `get_flashed_messages` from
   * the locals it is called on (EJS calls it with them as `this`), so it consumes the messages
   * as `get_flashed_messages()` does.
   */
  flashMessages(this: unknown, call?: FlashMessagesCall): string;
}

/**
 * Creates the EJS helpers without installing them ({@link installFlash} puts them in locals once),
 * for a render's own data. Each render calls them with that request's locals (`this` in EJS's
 * default `with (locals)` mode, or `locals.flashMessages()` when EJS runs with `strict: true`).
 *
 * @example
 * import { createFlashHelpers } from "flashkit/ejs";
 *
 * const helpers = createFlashHelpers({ render: { theme: "tailwind" } });
 * app.get("/", (req, res) => res.render("page", { ...helpers, title: "Home" }));
 */
export function createFlashHelpers(options: EjsFlashOptions = {}): EjsFlashHelpers {
  const base = options.render;
  return {
    flashMessages(this: unknown, call?: FlashMessagesCall): string {
      if (typeof this !== "object" || this === null) {
        throw new TypeError(
          "flashMessages() was called without the view's locals: call it as flashMessages() in EJS's default " +
            "mode, or as locals.flashMessages() (strict mode, destructuredLocals)",
        );
      }
      return renderFromLocals(this, "flashMessages()", base, call);
    },
  };
}

/**
 * Installs the EJS helpers in a locals object (Express's `app.locals`, Fastify's `reply.locals`,
 * Koa's `ctx.state`) and returns it; each render calls them with that request's locals.
 *
 * @throws {TypeError} when `locals` is not an object.
 * @example
 * import express from "express";
 * import { flash } from "flashkit/express";
 * import { installFlash } from "flashkit/ejs";
 *
 * const app = express();
 * app.set("view engine", "ejs");
 * app.use(flash({ secret: process.env.FLASH_SECRET }));
 * installFlash(app.locals, { render: { theme: "bootstrap4" } });
 * // views/layout.ejs: <%- flashMessages() %>  or  <%- flashMessages({ categoryFilter: ["error"] }) %>
 * // or by hand:       <% for (const [category, message] of get_flashed_messages(true)) { %>...
 */
export function installFlash<L extends object>(locals: L, options: EjsFlashOptions = {}): L & EjsFlashHelpers {
  if (typeof locals !== "object" || locals === null) {
    throw new TypeError("installFlash() expects the locals to install the helpers in (app.locals with Express)");
  }
  return Object.assign(locals, createFlashHelpers(options));
}

/**
 * @deprecated Use {@link createFlashHelpers} (or {@link installFlash}), the names every flashkit
 * template module uses; this alias is the same function.
 */
export const createEjsHelpers = createFlashHelpers;
