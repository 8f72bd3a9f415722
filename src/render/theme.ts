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

/** One message as a theme receives it: every string is already safe HTML. */
export interface ThemeMessage {
  /** The mapped level (never the raw category). */
  readonly level: FlashLevel;
  /** `"alert"` for danger (assertive), `"status"` otherwise (polite). */
  readonly role: "alert" | "status";
  /** The escaped, visually hidden prefix, such as `Error: `. */
  readonly prefixHtml: string;
  /** The escaped message, or trusted markup. */
  readonly html: string;
  /** The escaped accessible name of the close button. */
  readonly closeLabelHtml: string;
}

/**
 * A renderer theme: turns one prepared message into markup. `renderFlashMessages` builds the
 * container around it and does all escaping and mapping before the theme sees anything.
 *
 * @example
 * const plain: Theme = {
 *   name: "plain",
 *   message: (m) => `<div class="flash flash-${m.level}" role="${m.role}">${m.prefixHtml}${m.html}</div>`,
 * };
 */
export interface Theme {
  /** A short name, such as `"bootstrap5"`. */
  readonly name: string;
  /** Renders one message. */
  message(message: ThemeMessage): string;
}
