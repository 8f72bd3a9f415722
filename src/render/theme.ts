/**
 * What a theme is, and the one mapping from free category strings to the fixed levels themes
 * turn into class names.
 */

/** The levels a category maps to: Bootstrap's contextual colour names. */
export type FlashLevel = "primary" | "secondary" | "success" | "danger" | "warning" | "info" | "light" | "dark";

/**
 * The category mapping. A category becomes a class name only through this table: a category not
 * in it renders as {@link DEFAULT_LEVEL}.
 */
export const CATEGORY_LEVELS: Readonly<Record<string, FlashLevel>> = Object.freeze({
  success: "success",
  info: "info",
  message: "info",
  notice: "info",
  warning: "warning",
  warn: "warning",
  error: "danger",
  danger: "danger",
  critical: "danger",
  alert: "danger",
  primary: "primary",
  secondary: "secondary",
  light: "light",
  dark: "dark",
});

/** The level of a category not in {@link CATEGORY_LEVELS}. */
export const DEFAULT_LEVEL: FlashLevel = "info";

/**
 * Maps a category to its level (trimmed, case-insensitive); anything unknown, non-string included,
 * gives {@link DEFAULT_LEVEL}.
 *
 * @example
 * flashLevel("error"); // "danger"
 * flashLevel("weird cat"); // "info"
 */
export function flashLevel(category: unknown): FlashLevel {
  if (typeof category !== "string") return DEFAULT_LEVEL;
  const key = category.trim().toLowerCase();
  return Object.hasOwn(CATEGORY_LEVELS, key) ? CATEGORY_LEVELS[key]! : DEFAULT_LEVEL;
}

/**
 * The visually hidden text before each message, so that colour is not the only signal.
 * @default success "Success: ", info "Info: ", warning "Warning: ", danger "Error: ", others "Notice: "
 */
export const DEFAULT_PREFIXES: Readonly<Record<FlashLevel, string>> = Object.freeze({
  primary: "Notice: ",
  secondary: "Notice: ",
  success: "Success: ",
  danger: "Error: ",
  warning: "Warning: ",
  info: "Info: ",
  light: "Notice: ",
  dark: "Notice: ",
});

/**
 * How a message can be closed:
 * - `"always"`: a close button, in the markup from the start;
 * - `"js"`: the button is rendered `hidden` with `data-flash-close="js"`, and the client script
 *   reveals it (so pages without JavaScript show no button that does nothing);
 * - `"link"`: an `<a href>` that loads the page again (the message is consumed, so it is gone);
 *   works without JavaScript;
 * - `"none"`: no close control.
 */
export type CloseMode = "always" | "js" | "link" | "none";

/** One message as a theme receives it: every string is already safe HTML. */
export interface ThemeMessage {
  /** The mapped level (never the raw category). */
  readonly level: FlashLevel;
  /** `"alert"` for danger (assertive), `"status"` otherwise (polite). */
  readonly role: "alert" | "status";
  /** The element id, unique on the page, such as `flash-3f9a0c1b-0` (safe in an attribute). */
  readonly id: string;
  /** The escaped prefix, such as `Error: `. */
  readonly prefixHtml: string;
  /** Whether the prefix is shown (`true`) or only read by screen readers (`false`). */
  readonly showPrefix: boolean;
  /** The escaped message, or trusted markup. */
  readonly html: string;
  /** The close control to render. */
  readonly close: CloseMode;
  /** The escaped accessible name of the close control. */
  readonly closeLabelHtml: string;
  /** The escaped `href` of the close link (used when `close` is `"link"`). */
  readonly closeHrefHtml: string;
}

/** The overflow block as a theme receives it. */
export interface ThemeMore {
  /** How many messages are inside. */
  readonly count: number;
  /** The escaped summary text, such as `2 more messages`. */
  readonly summaryHtml: string;
  /** The rendered messages inside, one per line. */
  readonly html: string;
}

/**
 * A renderer theme: turns one prepared message into markup. `renderFlashMessages` builds the
 * container around it and does all escaping and mapping before the theme sees anything. The root
 * element of a message must carry {@link messageAttributes} and the close control
 * {@link closeControl}'s attributes (the client script finds messages by them).
 *
 * @example
 * const minimal: Theme = {
 *   name: "minimal",
 *   message: (m) => `<div class="flash flash-${m.level}" ${messageAttributes(m)}>${m.prefixHtml}${m.html}</div>`,
 * };
 */
export interface Theme {
  /** A short name, such as `"bootstrap5"`: the container's `data-flash-theme`. */
  readonly name: string;
  /** Renders one message. */
  message(message: ThemeMessage): string;
  /**
   * Renders the messages past `maxExpanded`. Must be a `<details data-flash-more>` with a
   * `<summary>`, so that they are reachable without JavaScript.
   * @default `<details data-flash-more><summary>…</summary>\n…\n</details>`
   */
  more?(more: ThemeMore): string;
}

/**
 * The attributes every message's root element carries, in this order:
 * `role="status" id="flash-…" data-flash-message data-flash-level="info"`.
 *
 * @example
 * `<div class="flash" ${messageAttributes(m)}>…</div>`
 */
export function messageAttributes(m: ThemeMessage): string {
  return `role="${m.role}" id="${m.id}" data-flash-message data-flash-level="${m.level}"`;
}

/** The parts of a close control that differ between themes. Class names must be literals. */
export interface CloseControlOptions {
  /** The control's `class`. */
  readonly className: string;
  /** The theme's own dismiss attribute, such as `data-bs-dismiss="alert"`, or `""`. */
  readonly dismiss: string;
  /** The control's content, such as `<span aria-hidden="true">&times;</span>`, or `""`. */
  readonly content: string;
}

/**
 * The close control of a message in the requested {@link CloseMode}: a `<button>` (`"always"`),
 * a hidden `<button data-flash-close="js">` (`"js"`), an `<a href data-flash-close="link">`
 * (`"link"`), or nothing (`"none"`).
 *
 * @example
 * closeControl(m, { className: "btn-close", dismiss: 'data-bs-dismiss="alert"', content: "" });
 * // <button type="button" class="btn-close" data-bs-dismiss="alert" data-flash-close aria-label="Close"></button>
 */
export function closeControl(m: ThemeMessage, options: CloseControlOptions): string {
  const dismiss = options.dismiss ? ` ${options.dismiss}` : "";
  const label = `aria-label="${m.closeLabelHtml}"`;
  switch (m.close) {
    case "none":
      return "";
    case "link":
      return `<a href="${m.closeHrefHtml}" class="${options.className}"${dismiss} data-flash-close="link" ${label}>${options.content}</a>`;
    case "js":
      return `<button type="button" class="${options.className}"${dismiss} data-flash-close="js" ${label} hidden>${options.content}</button>`;
    default:
      return `<button type="button" class="${options.className}"${dismiss} data-flash-close ${label}>${options.content}</button>`;
  }
}

/**
 * The default overflow block.
 *
 * @example
 * defaultMore({ count: 2, summaryHtml: "2 more messages", html: "…" });
 * // <details data-flash-more><summary>2 more messages</summary>\n…\n</details>
 */
export function defaultMore(more: ThemeMore): string {
  return `<details data-flash-more><summary>${more.summaryHtml}</summary>\n${more.html}\n</details>`;
}
