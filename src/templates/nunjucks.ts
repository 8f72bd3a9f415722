/**
 * flashkit/nunjucks: Flask's template API for Nunjucks, so the templates of a Flask app render
 * unchanged, byte for byte: `get_flashed_messages(with_categories=true)` over the Jinja
 * compatibility of `./jinja-compat.ts` (`{% with %}`, escaping, truthiness, trailing newline).
 * Plus `flashMessages()`, the flashkit renderer as a template function.
 */
import nunjucks from "nunjucks";
import { flaskArguments } from "../core/request-api.js";
import type { GetFlashedMessagesOptions } from "../core/types.js";
import type { RenderOptions } from "../render/render.js";
import { installJinjaCompat, type JinjaCompatOptions } from "./jinja-compat.js";
import { type FlashMessagesCall, markHelper, readLocals, renderFromLocals } from "./locals.js";

export { type JinjaCompatOptions, NUNJUCKS_EXTENSION } from "./jinja-compat.js";
export type { FlashMessagesCall } from "./locals.js";

/** Options of {@link installFlash}: the Jinja compatibility's and the renderer's. */
export interface NunjucksFlashOptions extends JinjaCompatOptions {
  /**
   * Options of the renderer behind `flashMessages()` (theme, close mode, ...); a call's own
   * options override them.
   * @default {} (Bootstrap 5, close button, 3 messages expanded)
   */
  render?: RenderOptions | undefined;
}

/** `this` of a global function: the render context, whose `ctx` holds what the view got (res.locals). */
interface TemplateContext {
  ctx?: Record<string, unknown>;
}

const { SafeString } = nunjucks.runtime;

/**
 * Adds Flask's template API to a Nunjucks environment and returns it:
 *
 * - `get_flashed_messages(with_categories=false, category_filter=[])` and
 *   `getFlashedMessages({ withCategories, categoryFilter })`, read from the render context, where
 *   flashkit's middleware puts them (Express: `res.locals`, so render with `res.render()`);
 * - `flashMessages(...)`: the request's messages rendered by `renderFlashMessages`, with an options
 *   object or keyword arguments: `categoryFilter` (or `category_filter`) and any renderer option
 *   (`flash_messages(category_filter=[...])`, its deprecated spelling, still works);
 * - Jinja's `{% with %}`, escaping, truthiness and trailing newline (see {@link installJinjaCompat}
 *   and {@link NunjucksFlashOptions}).
 *
 * Call it before the first template is compiled: a template compiled earlier is cached without
 * the Jinja rewrites. Precompiled templates must be precompiled with this environment.
 *
 * @example
 * import express from "express";
 * import nunjucks from "nunjucks";
 * import { flash } from "flashkit/express";
 * import { installFlash } from "flashkit/nunjucks";
 *
 * const app = express();
 * const env = installFlash(new nunjucks.Environment(new nunjucks.FileSystemLoader("views")));
 * env.express(app);
 * app.use(flash({ secret: process.env.FLASH_SECRET }));
 * // views/base.html: {% with messages = get_flashed_messages(with_categories=true) %}...
 * //              or: {{ flashMessages() }}
 */
export function installFlash(env: nunjucks.Environment, options: NunjucksFlashOptions = {}): nunjucks.Environment {
  installJinjaCompat(env, options);
  const base = options.render;
  // Each global runs only when the render context lacks a variable of its name, which shadows it:
  // for get_flashed_messages and getFlashedMessages, when the context has just the other spelling.
  const globals = {
    get_flashed_messages(this: TemplateContext | undefined, ...args: unknown[]): unknown[] {
      return readLocals(this?.ctx, "get_flashed_messages()", flaskArguments(plainKeywords(args)));
    },
    getFlashedMessages(this: TemplateContext | undefined, options?: unknown): unknown[] {
      const [plain = {}] = plainKeywords([options]);
      return readLocals(this?.ctx, "getFlashedMessages()", plain as GetFlashedMessagesOptions);
    },
    flashMessages(this: TemplateContext | undefined, call?: unknown): nunjucks.runtime.SafeString {
      const [plain] = plainKeywords([call]);
      return new SafeString(renderFromLocals(this?.ctx, "flashMessages()", base, plain as FlashMessagesCall));
    },
    flash_messages(this: TemplateContext | undefined, ...args: unknown[]): nunjucks.runtime.SafeString {
      const { categoryFilter } = flaskArguments(plainKeywords(args));
      return new SafeString(renderFromLocals(this?.ctx, "flash_messages()", base, { categoryFilter }));
    },
  };
  for (const [name, fn] of Object.entries(globals)) env.addGlobal(name, markHelper(fn));
  return env;
}

/**
 * @deprecated Use {@link installFlash}, the name every flashkit template module uses; this alias is
 * the same function.
 */
export const addFlash = installFlash;

/**
 * Nunjucks passes keyword arguments (`f(a=1)`) as one trailing object marked with `__keywords`;
 * flashkit's functions take a plain keyword object, so the marker goes. (The request's own
 * `get_flashed_messages`, which a render context's variable lets Nunjucks call directly, ignores
 * keys it does not know, the marker among them.)
 */
function plainKeywords(args: unknown[]): unknown[] {
  const last = args.at(-1);
  if (typeof last !== "object" || last === null || !("__keywords" in last)) return args;
  const { __keywords: _marker, ...keywords } = last as Record<string, unknown>;
  return [...args.slice(0, -1), keywords];
}
