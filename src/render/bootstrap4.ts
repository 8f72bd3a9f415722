/**
 * The Bootstrap 4 theme: the markup of the Flask tutorials (`close` button with
 * `data-dismiss="alert"` and `&times;`, `sr-only` text). `fade` always comes with `show`, so
 * messages are visible without JavaScript; `text-break` (Bootstrap 4.3 and later) wraps a long
 * word or URL inside the alert.
 */
import { closeControl, messageAttributes, type Theme, type ThemeMessage } from "./theme.js";

/**
 * Bootstrap 4 alerts.
 *
 * @example
 * renderFlashMessages([["error", "Invalid password"]], { theme: bootstrap4 });
 * // <div class="alert alert-danger alert-dismissible fade show text-break" role="alert" id="flash-…" data-flash-message
 * //   data-flash-level="danger"><span class="sr-only">Error: </span>Invalid password<button type="button"
 * //   class="close" data-dismiss="alert" data-flash-close aria-label="Close"><span aria-hidden="true">&times;</span></button></div>
 */
export const bootstrap4: Theme = Object.freeze({
  name: "bootstrap4",
  message(m: ThemeMessage): string {
    const dismissible = m.close === "none" ? "" : " alert-dismissible";
    const prefix = m.showPrefix ? `<strong>${m.prefixHtml}</strong>` : `<span class="sr-only">${m.prefixHtml}</span>`;
    return (
      `<div class="alert alert-${m.level}${dismissible} fade show text-break" ${messageAttributes(m)}>${prefix}${m.html}` +
      closeControl(m, {
        className: "close",
        dismiss: 'data-dismiss="alert"',
        content: '<span aria-hidden="true">&times;</span>',
      }) +
      `</div>`
    );
  },
});
