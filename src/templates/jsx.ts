/**
 * flashkit/jsx: a `<FlashMessages>` component for any JSX runtime with a `createElement`-style
 * function: React (`renderToString`, server components) and Hono's JSX (`c.html()`), among
 * others. Written without JSX syntax, so it needs no JSX compiler setting and no runtime import.
 */
import { OOB_APPEND, OOB_ATTRIBUTE } from "../render/delivery.js";
import { type CategorizedMessages, containerAttributeList, type RenderOptions, renderBody } from "../render/render.js";

/**
 * A runtime's element factory: React's `createElement`, Hono's `jsx` (or `createElement` from
 * `hono/jsx`), Preact's `h`. Called as `createElement("div", props)`.
 */
export type CreateElement<E> = (type: string, props: Record<string, unknown>) => E;

/** Props of `<FlashMessages>`: the messages and any renderer option. */
export interface FlashMessagesProps extends RenderOptions {
  /** The messages, as `getFlashedMessages({ withCategories: true })` returns them. */
  messages: CategorizedMessages;
  /**
   * Render the htmx out-of-band fragment instead of the container, as `renderOobFragment()` does:
   * `<div hx-swap-oob="beforeend:#flash-messages">` around the messages, which htmx appends to the
   * page's container (messages already there stay); nothing (`null`) when there are none.
   * @default false
   */
  oob?: boolean | undefined;
}

/** Options of {@link createFlashHelpers}. */
export interface JsxFlashOptions {
  /**
   * Options of the renderer behind `<FlashMessages>` (theme, close mode, ...); a component's own
   * props override them.
   * @default {} (Bootstrap 5, close button, 3 messages expanded)
   */
  render?: RenderOptions | undefined;
}

/** The components {@link createFlashHelpers} returns. */
export interface JsxFlashHelpers<E> {
  /**
   * The flash container with its messages: the same HTML as `renderFlashMessages()` (or
   * `renderOobFragment()` with `oob`, `null` when that is empty), every message escaped.
   */
  FlashMessages(props: FlashMessagesProps): E | null;
}

/**
 * Creates the components for a JSX runtime. The container is a real element of that runtime; the
 * messages inside are flashkit's rendered (escaped) HTML, passed as `dangerouslySetInnerHTML`.
 *
 * @throws {TypeError} when `createElement` is not a function.
 * @example
 * // React
 * import { createElement } from "react";
 * import { createFlashHelpers } from "flashkit/jsx";
 * export const { FlashMessages } = createFlashHelpers(createElement, { render: { theme: "tailwind" } });
 * // <FlashMessages messages={req.getFlashedMessages({ withCategories: true })} close="js" />
 *
 * // Hono
 * import { jsx } from "hono/jsx";
 * export const { FlashMessages } = createFlashHelpers(jsx);
 * // app.get("/", (c) => c.html(<Layout><FlashMessages messages={messages} /></Layout>));
 */
export function createFlashHelpers<E>(
  createElement: CreateElement<E>,
  options: JsxFlashOptions = {},
): JsxFlashHelpers<E> {
  if (typeof createElement !== "function") {
    throw new TypeError("createFlashHelpers() expects the JSX runtime's createElement (React) or jsx (hono/jsx)");
  }
  const base = options.render;
  return {
    FlashMessages(props: FlashMessagesProps): E | null {
      const { messages, oob, children: _children, ...overrides } = props as FlashMessagesProps & { children?: unknown };
      const renderOptions = { ...base, ...overrides };
      const body = renderBody(messages ?? [], renderOptions);
      if (oob && !body) return null;
      const attributes: Record<string, unknown> = oob
        ? { [OOB_ATTRIBUTE]: OOB_APPEND }
        : Object.fromEntries(containerAttributeList(renderOptions));
      attributes["dangerouslySetInnerHTML"] = { __html: body ? `\n${body}\n` : "" };
      return createElement("div", attributes);
    },
  };
}

/**
 * @deprecated Use {@link createFlashHelpers}, the name every flashkit template module uses; this
 * alias is the same function.
 */
export const createFlashComponents = createFlashHelpers;

/** @deprecated Use {@link JsxFlashHelpers}, the name that matches the other template modules'. */
export type FlashComponents<E> = JsxFlashHelpers<E>;
