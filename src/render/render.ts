/**
 * The pure renderer: `[category, message]` pairs in, one HTML string out.
 */
import { bootstrap5 } from "./bootstrap5.js";
import { escapeHtml, isTrustedHtml, type TrustedHtml } from "./escape.js";
import { DEFAULT_PREFIXES, type FlashLevel, flashLevel, type Theme } from "./theme.js";

/** The id of the container every renderer emits. */
export const CONTAINER_ID = "flash-messages";

/** Options of {@link renderFlashMessages}. */
export interface RenderOptions {
  /**
   * The markup of each message.
   * @default bootstrap5
   */
  theme?: Theme | undefined;
  /**
   * The visually hidden text before a message, per level (escaped on output).
   * @default DEFAULT_PREFIXES ("Error: ", "Success: ", ...)
   */
  prefixes?: Partial<Record<FlashLevel, string>> | undefined;
  /**
   * The accessible name of the close button (escaped on output).
   * @default "Close"
   */
  closeLabel?: string | undefined;
  /**
   * Turns a message into text (escaped on output) or {@link TrustedHtml} (output as is). The
   * place to render structured messages such as `{ title, body }`.
   * @default a string as it is, any other value as its JSON text
   * @example
   * format: (m, category) => category === "undo" ? trustedHtml(`Deleted. <a href="/undo">Undo</a>`) : String(m)
   */
  format?: ((message: unknown, category: string) => string | TrustedHtml) | undefined;
}

/** What `getFlashedMessages({ withCategories: true })` returns. */
export type CategorizedMessages = Iterable<readonly [category: string, message: unknown]>;

/**
 * Renders flash messages as HTML: always one `<div id="flash-messages" data-flash-container>`
 * (empty when there is nothing to show, so htmx, Turbo and scripts have a target) holding one
 * alert per message. Every message is HTML-escaped unless it is {@link TrustedHtml}; categories
 * reach class names only through the level mapping (`error` → `danger`, unknown → `info`);
 * `role="alert"` for danger, `role="status"` otherwise; a visually hidden prefix per level.
 *
 * @throws {TypeError} when an entry is not a `[category, message]` pair.
 * @example
 * import { renderFlashMessages } from "flashkit/render";
 *
 * app.get("/", (req, res) => {
 *   const flashes = renderFlashMessages(req.getFlashedMessages({ withCategories: true }));
 *   res.send(`<!doctype html><body>${flashes}<main>...</main></body>`);
 * });
 */
export function renderFlashMessages(messages: CategorizedMessages, options: RenderOptions = {}): string {
  const theme = options.theme ?? bootstrap5;
  const closeLabelHtml = escapeHtml(options.closeLabel ?? "Close");
  const parts: string[] = [];
  for (const pair of messages) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(
        "renderFlashMessages() expects [category, message] pairs: pass getFlashedMessages({ withCategories: true })",
      );
    }
    const [category, message] = pair as [unknown, unknown];
    const level = flashLevel(category);
    const formatted = options.format ? options.format(message, String(category)) : message;
    parts.push(
      theme.message({
        level,
        role: level === "danger" ? "alert" : "status",
        prefixHtml: escapeHtml(options.prefixes?.[level] ?? DEFAULT_PREFIXES[level]),
        html: messageHtml(formatted),
        closeLabelHtml,
      }),
    );
  }
  const open = `<div id="${CONTAINER_ID}" data-flash-container>`;
  return parts.length === 0 ? `${open}</div>` : `${open}\n${parts.join("\n")}\n</div>`;
}

/** A message as safe HTML: trusted markup as is, a string escaped, `undefined` empty, anything else as escaped JSON. */
function messageHtml(message: unknown): string {
  if (isTrustedHtml(message)) return message.html;
  if (typeof message === "string") return escapeHtml(message);
  if (message === undefined) return "";
  let json: string | undefined;
  try {
    json = JSON.stringify(message);
  } catch {
    json = undefined;
  }
  return escapeHtml(json ?? String(message));
}
