/**
 * flashkit/render: pure renderers from flash messages to HTML. No framework, no template engine.
 *
 * @example
 * import { renderFlashMessages } from "flashkit/render";
 * const html = renderFlashMessages(req.getFlashedMessages({ withCategories: true }));
 */
export { bootstrap5 } from "./bootstrap5.js";
export { escapeHtml, isTrustedHtml, type TrustedHtml, trustedHtml } from "./escape.js";
export { type CategorizedMessages, CONTAINER_ID, type RenderOptions, renderFlashMessages } from "./render.js";
export {
  CATEGORY_LEVELS,
  DEFAULT_LEVEL,
  DEFAULT_PREFIXES,
  type FlashLevel,
  flashLevel,
  type Theme,
  type ThemeMessage,
} from "./theme.js";
