/**
 * flashkit/render: pure renderers from flash messages to HTML. No framework, no template engine.
 *
 * @example
 * import { renderFlashMessages } from "flashkit/render";
 * const html = renderFlashMessages(req.getFlashedMessages({ withCategories: true }));
 */
export { bootstrap4 } from "./bootstrap4.js";
export { bootstrap5 } from "./bootstrap5.js";
export {
  asciiJson,
  FLASH_HEADER,
  type FlashDataOptions,
  type FlashPayload,
  flashHeaders,
  flashPayload,
  htmxTrigger,
  renderOobFragment,
  renderTurboStream,
} from "./delivery.js";
export { escapeHtml, isTrustedHtml, type TrustedHtml, trustedHtml } from "./escape.js";
export { PLAIN_CSS, PLAIN_PALETTE, plain } from "./plain.js";
export {
  type CategorizedMessages,
  CONTAINER_ID,
  MIN_AUTO_DISMISS_MS,
  type RenderOptions,
  renderFlashMessages,
  type ThemeName,
  themes,
} from "./render.js";
export { TAILWIND_CLASSES, tailwind } from "./tailwind.js";
export {
  CATEGORY_LEVELS,
  type CloseControlOptions,
  type CloseMode,
  closeControl,
  DEFAULT_LEVEL,
  DEFAULT_PREFIXES,
  defaultMore,
  type FlashLevel,
  flashLevel,
  messageAttributes,
  type Theme,
  type ThemeMessage,
  type ThemeMore,
} from "./theme.js";
