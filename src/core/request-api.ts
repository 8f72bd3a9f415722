/**
 * The functions every adapter hangs on a request and hands to templates, built once here so
 * adapters stay thin glue.
 */
import type { FlashJar } from "./jar.js";
import type { CategoryOf, DefaultCategoryMessage, FlashMap, GetFlashedMessagesOptions } from "./types.js";

/**
 * The `flash` every adapter puts on its framework's request: call it to flash, use its methods for
 * the rest.
 *
 * @example
 * req.flash("Profile updated successfully!", "success");
 * req.flash.now("Shown in this response only", "info");
 */
export interface FlashFunction<M extends FlashMap> {
  <C extends CategoryOf<M>>(message: M[C], category: C): void;
  (message: DefaultCategoryMessage<M>): void;
  /** Shows a message in this response only. */
  now: FlashJar<M>["now"];
  /** Keeps what this request read for one more request. */
  keep: FlashJar<M>["keep"];
  /** What `getFlashedMessages()` would return, without consuming anything. */
  peek: FlashJar<M>["peek"];
  /** Flask's `get_flashed_messages()`. */
  getFlashedMessages: FlashJar<M>["getFlashedMessages"];
  /**
   * Saves this request's messages now and rejects when the store could not take them (Redis down,
   * full or refusing), so the app can still choose its response; see `FlashJar.save()`. Call it as a
   * method (`req.flash.save()`), not detached.
   * @example
   * req.flash("Profile updated successfully!", "success");
   * try {
   *   await req.flash.save();
   * } catch {
   *   return res.status(503).send("Could not save the confirmation; please try again");
   * }
   * res.redirect(303, "/profile");
   */
  save(): Promise<void>;
}

/**
 * What templates get: Flask's `get_flashed_messages(with_categories=..., category_filter=...)`
 * (positional arguments, a trailing keyword object, or both: see {@link flaskArguments}) and
 * `getFlashedMessages({ withCategories, categoryFilter })`.
 */
export interface FlashTemplateFunctions {
  get_flashed_messages(...args: unknown[]): unknown[];
  getFlashedMessages(options?: GetFlashedMessagesOptions): unknown[];
}

/**
 * Builds the callable `flash` of one request over its jar. `beforeFlash` runs before each call of the
 * function itself (not of `now()`, which stores nothing).
 */
export function flashFunction<M extends FlashMap>(jar: FlashJar<M>, beforeFlash?: () => void): FlashFunction<M> {
  // Bound functions, not closures over `jar`: a closure made per request and stored on the framework's
  // request objects makes V8 keep every request's flash objects through its young-generation collections
  // (the figures are in the commit that made them bound: 210c9cb).
  const flash = flashThrough.bind(undefined, jar as FlashJar<FlashMap>, beforeFlash) as unknown as FlashFunction<M>;
  flash.now = jar.now.bind(jar);
  flash.keep = jar.keep.bind(jar);
  flash.peek = jar.peek.bind(jar);
  flash.getFlashedMessages = jar.getFlashedMessages.bind(jar);
  // One function for every request, which reaches this request's jar by calling `flash` itself: a
  // request that never saves allocates nothing for it.
  flash.save = saveThrough;
  return flash;
}

/** The message that makes `flashThrough` save instead of flash. */
const SAVE: unique symbol = Symbol("flashkit.save");

function saveThrough(this: unknown): Promise<void> {
  if (typeof this !== "function") {
    return Promise.reject(new TypeError("call flash.save() as a method of the request's flash function"));
  }
  return (this as (message: typeof SAVE) => Promise<void>)(SAVE);
}

function flashThrough(
  jar: FlashJar<FlashMap>,
  beforeFlash: (() => void) | undefined,
  message: never,
  category?: never,
): void | Promise<void> {
  if (message === SAVE) return jar.save();
  beforeFlash?.();
  if (category === undefined) jar.flash(message);
  else jar.flash(message, category);
}

/** Builds the template functions of one request over its jar. */
export function templateFunctions(jar: FlashJar<FlashMap>): FlashTemplateFunctions {
  return assignTemplateFunctions({} as FlashTemplateFunctions, jar);
}

/**
 * Sets `get_flashed_messages` and `getFlashedMessages` of one request's jar on `target` (the object
 * a framework hands its templates as locals) and returns it.
 */
export function assignTemplateFunctions<T extends object>(
  target: T,
  jar: FlashJar<FlashMap>,
): T & FlashTemplateFunctions {
  const templates = target as T & FlashTemplateFunctions;
  // Bound, not closures over `jar`: see flashFunction().
  templates.get_flashed_messages = flaskTemplateFunction(jar);
  templates.getFlashedMessages = jar.getFlashedMessages.bind(jar);
  return templates;
}

/**
 * Flask's `get_flashed_messages` over `jar`, for a framework that takes template functions one by
 * one (a `set()` per function): arguments as {@link flaskArguments} reads them.
 *
 * @example
 * c.set("get_flashed_messages", flaskTemplateFunction(jar));
 */
export function flaskTemplateFunction(jar: FlashJar<FlashMap>): FlashTemplateFunctions["get_flashed_messages"] {
  return getFlashedMessagesFlaskStyle.bind(jar);
}

function getFlashedMessagesFlaskStyle(this: FlashJar<FlashMap>, ...args: unknown[]): unknown[] {
  return this.getFlashedMessages(flaskArguments(args));
}

/**
 * Reads Flask's `get_flashed_messages(with_categories=False, category_filter=())` arguments:
 * positional, a trailing keyword object `{ with_categories, category_filter }`, or both. Other keys
 * of the keyword object are ignored, so a template engine may pass its own keyword object as it is.
 *
 * @example
 * flaskArguments([true, ["error"]]); // { withCategories: true, categoryFilter: ["error"] }
 * flaskArguments([{ category_filter: "error" }]); // { withCategories: false, categoryFilter: ["error"] }
 */
export function flaskArguments(args: readonly unknown[]): GetFlashedMessagesOptions {
  let withCategories: unknown = args[0];
  let categoryFilter: unknown = args[1];
  const last = args.at(-1);
  if (typeof last === "object" && last !== null && !Array.isArray(last)) {
    const keywords = last as Record<string, unknown>;
    if (args.length === 1) withCategories = undefined;
    if (args.length <= 2) categoryFilter = undefined;
    if ("with_categories" in keywords) withCategories = keywords.with_categories;
    if ("category_filter" in keywords) categoryFilter = keywords.category_filter;
  }
  return {
    withCategories: Boolean(withCategories),
    categoryFilter: toFilter(categoryFilter),
  };
}

function toFilter(value: unknown): string[] {
  if (value === undefined || value === null || value === false) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map(String);
  throw new TypeError("category_filter must be a list of category names");
}
