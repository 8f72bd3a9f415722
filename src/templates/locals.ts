/**
 * What every template helper shares: reading the request's messages from the view's locals,
 * where flashkit's middleware puts `get_flashed_messages` and `getFlashedMessages` (Express:
 * `res.locals`), and rendering them with per-call overrides of the renderer's options.
 */
import { FlashError } from "../core/errors.js";
import type { GetFlashedMessagesOptions } from "../core/types.js";
import { type CategorizedMessages, type RenderOptions, renderFlashMessages } from "../render/render.js";

/** Options of one `flashMessages(...)` call in a template: a category filter and renderer options. */
export interface FlashMessagesCall extends RenderOptions {
  /**
   * Render only these categories (all are consumed, as with `get_flashed_messages`).
   * @default [] (all)
   */
  categoryFilter?: readonly string[] | string | undefined;
  /** Flask's spelling of {@link FlashMessagesCall.categoryFilter}. */
  category_filter?: readonly string[] | string | undefined;
}

/** The template functions flashkit's middleware puts in a view's locals. */
interface FlashLocals {
  get_flashed_messages?: unknown;
  getFlashedMessages?: unknown;
}

/** The functions a template helper installs where locals are looked up (Nunjucks' globals). */
const HELPERS = new WeakSet<object>();

/** Marks `fn` as a template helper, which {@link readLocals} never mistakes for the request's own. */
export function markHelper<F extends object>(fn: F): F {
  HELPERS.add(fn);
  return fn;
}

function isRequestFunction(value: unknown): value is (...args: unknown[]) => unknown {
  return typeof value === "function" && !HELPERS.has(value);
}

/** Reads `getFlashedMessages(options)` through whichever spelling the locals have. */
export function readLocals(locals: unknown, caller: string, options: GetFlashedMessagesOptions): unknown[] {
  const { getFlashedMessages: camel, get_flashed_messages: snake } = (
    typeof locals === "object" && locals !== null ? locals : {}
  ) as FlashLocals;
  if (isRequestFunction(camel)) return camel(options) as unknown[];
  if (isRequestFunction(snake)) {
    return snake({
      with_categories: options.withCategories ?? false,
      category_filter: options.categoryFilter ?? [],
    }) as unknown[];
  }
  throw new FlashError(
    "ERR_FLASH_NOT_INSTALLED",
    `${caller} found no flash messages for this request: install the flashkit middleware ` +
      `(app.use(flash({ secret }))) before the routes, and render with res.render() so the view's ` +
      `locals get get_flashed_messages from res.locals`,
  );
}

/** A category filter as a list: a string is one category. */
export function toCategoryFilter(value: unknown): string[] {
  if (value === undefined || value === null || value === false || value === "") return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map(String);
  throw new TypeError("categoryFilter must be a category name or a list of them");
}

/** Renders the messages in `locals` with `base` options overridden by the call's. */
export function renderFromLocals(
  locals: unknown,
  caller: string,
  base: RenderOptions | undefined,
  call: FlashMessagesCall = {},
): string {
  const { categoryFilter, category_filter, ...overrides } = call;
  const messages = readLocals(locals, caller, {
    withCategories: true,
    categoryFilter: toCategoryFilter(categoryFilter ?? category_filter),
  });
  return renderFlashMessages(messages as unknown as CategorizedMessages, { ...base, ...overrides });
}
