/**
 * flashkit/handlebars: `{{flashMessages}}` and Flask's `get_flashed_messages` as Handlebars helpers.
 */
import { flaskArguments } from "../core/request-api.js";
import type { RenderOptions } from "../render/render.js";
import { flashLevel } from "../render/theme.js";
import { type FlashMessagesCall, readLocals, renderFromLocals, toCategoryFilter } from "./locals.js";

/** The parts of a Handlebars instance the helpers use (`Handlebars` or `Handlebars.create()`). */
export interface HandlebarsLike {
  /** Registers one helper under `name`. */
  registerHelper(name: string, fn: (...args: unknown[]) => unknown): void;
  /** Wraps HTML that Handlebars must output without escaping it again. */
  SafeString: new (
    html: string,
  ) => unknown;
}

/** What Handlebars passes a helper last. */
interface HelperOptions {
  hash?: Record<string, unknown>;
  data?: { root?: unknown };
}

/** Options of {@link installFlash}. */
export interface HandlebarsFlashOptions {
  /**
   * Options of the renderer behind `{{flashMessages}}`; the helper's hash arguments override them.
   * @default {} (Bootstrap 5, close button, 3 messages expanded)
   */
  render?: RenderOptions | undefined;
}

/** A `[category, message]` pair that also has named fields, for `{{category}}` in `{{#each}}`. */
export type HandlebarsFlashPair = [category: string, message: unknown] & {
  category: string;
  message: unknown;
  /** The mapped level (`error` → `danger`), safe as a class name. */
  level: string;
};

/**
 * Registers the flash helpers on a Handlebars instance and returns it. They read the request's messages from the
 * template's root context, where flashkit's middleware puts them (Express: `res.locals`).
 *
 * - `{{flashMessages}}`: the messages rendered as HTML (a SafeString: `{{ }}` and `{{{ }}}` both
 *   work), always inside `<div id="flash-messages">`. Hash arguments: `category_filter` (or
 *   `categoryFilter`) and any renderer option, e.g. `{{flashMessages theme="tailwind" close="link" closeHref="/inbox"}}`.
 * - `{{#each (get_flashed_messages true)}}`: Flask's function, positional or with
 *   `with_categories=true category_filter="error"`. With categories each item is a
 *   `[category, message]` pair that also has `category`, `message` and `level` fields.
 * - `getFlashedMessages` with `withCategories=true categoryFilter="error"`.
 *
 * @example
 * import Handlebars from "handlebars";
 * import { installFlash } from "flashkit/handlebars";
 *
 * installFlash(Handlebars, { render: { theme: "bootstrap4" } });
 * // {{flashMessages}}
 * // {{#each (get_flashed_messages true)}}<div class="alert alert-{{level}}">{{message}}</div>{{/each}}
 */
export function installFlash<H extends HandlebarsLike>(handlebars: H, options: HandlebarsFlashOptions = {}): H {
  if (typeof handlebars?.registerHelper !== "function" || typeof handlebars.SafeString !== "function") {
    throw new TypeError("installFlash() expects a Handlebars instance (import Handlebars from 'handlebars')");
  }
  const base = options.render;
  const split = (args: unknown[]): [positional: unknown[], helper: HelperOptions] => {
    const helper = (args.at(-1) ?? {}) as HelperOptions;
    return [args.slice(0, -1), helper];
  };

  handlebars.registerHelper("flashMessages", function flashMessages(...args: unknown[]): unknown {
    const [, helper] = split(args);
    const html = renderFromLocals(helper.data?.root, "{{flashMessages}}", base, {
      ...helper.hash,
    } as FlashMessagesCall);
    return new handlebars.SafeString(html);
  });

  handlebars.registerHelper("get_flashed_messages", function get_flashed_messages(...args: unknown[]): unknown[] {
    const [positional, helper] = split(args);
    const flask = flaskArguments(helper.hash ? [...positional, helper.hash] : positional);
    return pairs(readLocals(helper.data?.root, "get_flashed_messages", flask), flask.withCategories ?? false);
  });

  handlebars.registerHelper("getFlashedMessages", function getFlashedMessages(...args: unknown[]): unknown[] {
    const [, helper] = split(args);
    const hash = helper.hash ?? {};
    const withCategories = Boolean(hash["withCategories"]);
    const categoryFilter = toCategoryFilter(hash["categoryFilter"]);
    return pairs(
      readLocals(helper.data?.root, "getFlashedMessages", { withCategories, categoryFilter }),
      withCategories,
    );
  });
  return handlebars;
}

/**
 * @deprecated Use {@link installFlash}, the name every flashkit template module uses; this alias is
 * the same function.
 */
export const registerFlashHelpers = installFlash;

/** With categories, each pair gets `category`, `message` and `level` fields. */
function pairs(messages: unknown[], withCategories: boolean): unknown[] {
  if (!withCategories) return messages;
  return messages.map((pair) => {
    const [category, message] = pair as [string, unknown];
    return Object.assign([category, message], { category, message, level: flashLevel(category) });
  });
}
