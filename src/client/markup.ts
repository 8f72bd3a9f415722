/**
 * The markup of a message the client received as data (`Flash.show()`, `X-Flash-Messages`,
 * `HX-Trigger`): what the server renderer (flashkit/render) emits for the container's
 * `data-flash-theme` with its default options (close "always", prefix visually hidden).
 */

/** A level: Bootstrap's contextual colour names, as flashkit/render maps categories to them. */
export type ClientLevel = "primary" | "secondary" | "success" | "danger" | "warning" | "info" | "light" | "dark";

/** One message as the server sends it (`X-Flash-Messages`, `HX-Trigger`). */
export interface FlashMessageData {
  /**
   * The category, such as `"error"`.
   * @default "message"
   */
  category?: string | undefined;
  /** The message: text, or any JSON value (shown as its JSON text). Always escaped. */
  message: unknown;
  /** The level the server mapped the category to; mapped again here when missing or unknown. */
  level?: string | undefined;
}

/** Texts of the markup, as the server renderer's options of the same names. */
export interface ThemeLabels {
  /**
   * The visually hidden text before a message, per level.
   * @default "Success: ", "Info: ", "Warning: ", "Error: ", "Notice: " (primary, secondary, light, dark)
   */
  prefixes?: Partial<Record<ClientLevel, string>> | undefined;
  /**
   * The accessible name of the close button.
   * @default "Close"
   */
  closeLabel?: string | undefined;
}

/** One message as a {@link ClientTheme} receives it: every string is already escaped HTML. */
export interface ClientMessage {
  /** The level, such as `danger`. */
  readonly level: string;
  /** `"alert"` for danger, `"status"` otherwise. */
  readonly role: string;
  /** The element id. */
  readonly id: string;
  /** The escaped prefix, such as `Error: `. */
  readonly prefix: string;
  /** The escaped message. */
  readonly text: string;
  /** The escaped accessible name of the close button. */
  readonly label: string;
}

/**
 * A server theme as the client renders it: the markup that flashkit/render's theme of the same
 * `name` emits with its default options (close button "always", prefix visually hidden).
 * flashkit ships `bootstrap5`, `bootstrap4`, `tailwind` and `plain`; write one for a custom
 * server theme.
 *
 * @example
 * const mine: ClientTheme = {
 *   name: "mine",
 *   message: (m) =>
 *     `<div class="note note-${m.level}" role="${m.role}" id="${m.id}" data-flash-message data-flash-level="${m.level}">` +
 *     `<span class="sr-only">${m.prefix}</span>${m.text}` +
 *     `<button type="button" class="note-close" data-flash-close aria-label="${m.label}">×</button></div>`,
 *   more: "<details data-flash-more><summary></summary></details>",
 *   closing: "note-out",
 * };
 * Flash.start({ themes: [mine] });
 */
export interface ClientTheme {
  /** The server theme's name: the container's `data-flash-theme`. */
  readonly name: string;
  /** The markup of one message. */
  message(message: ClientMessage): string;
  /** An empty `<details data-flash-more><summary></summary></details>` with the theme's classes. */
  readonly more: string;
  /** The class added to fade a closing message out (Bootstrap's `show` is removed as well). */
  readonly closing: string;
}

/** The levels, in flashkit/render's order. */
export const LEVELS = "primary secondary success danger warning info light dark".split(" ");
const PREFIXES: Record<string, string> = { success: "Success", danger: "Error", warning: "Warning", info: "Info" };

/** Escapes `& < > " '` with the server's (and Jinja's) entities. */
export function escapeText(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (ch) => `&${({ "&": "amp", "<": "lt", ">": "gt" } as Record<string, string>)[ch] ?? `#${ch.charCodeAt(0)}`};`,
  );
}

/** Maps a category to its level as flashkit/render does: trimmed, case-insensitive, unknown → info. */
export function levelOf(category: unknown): ClientLevel {
  const key = typeof category === "string" ? category.trim().toLowerCase() : "";
  // The aliases of flashkit/render's CATEGORY_LEVELS; "message" and "notice" are info, as anything unknown.
  return (
    LEVELS.includes(key) ? key : /^(error|critical|alert)$/.test(key) ? "danger" : key === "warn" ? "warning" : "info"
  ) as ClientLevel;
}

/** The HTML of one message. */
export function messageHtml(theme: ClientTheme, data: FlashMessageData, labels: ThemeLabels, id: string): string {
  const level = levelOf(LEVELS.includes(data.level!) ? data.level : data.category);
  const message = data.message;
  return theme.message({
    level,
    role: level === "danger" ? "alert" : "status",
    id,
    prefix: escapeText(labels.prefixes?.[level as ClientLevel] ?? `${PREFIXES[level] ?? "Notice"}: `),
    text: escapeText(typeof message === "string" ? message : (JSON.stringify(message) ?? "")),
    label: escapeText(labels.closeLabel ?? "Close"),
  });
}
