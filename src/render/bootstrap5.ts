/**
 * The Bootstrap 5 theme (the default): `alert alert-<level> alert-dismissible fade show` with a
 * `btn-close` button. `fade` always comes with `show`, so messages are visible without JavaScript;
 * `text-break` wraps a long word or URL inside the alert.
 */
import { closeControl, messageAttributes, type Theme, type ThemeMessage } from "./theme.js";

/**
 * Bootstrap 5 alerts.
 *
 * @example
 * renderFlashMessages([["error", "Invalid password"]], { theme: bootstrap5 });
 * // <div class="alert alert-danger alert-dismissible fade show text-break" role="alert" id="flash-…" data-flash-message
 * //   data-flash-level="danger"><span class="visually-hidden">Error: </span>Invalid password<button
 * //   type="button" class="btn-close" data-bs-dismiss="alert" data-flash-close aria-label="Close"></button></div>
 */
export const bootstrap5: Theme = Object.freeze({
  name: "bootstrap5",
  message(m: ThemeMessage): string {
    const dismissible = m.close === "none" ? "" : " alert-dismissible";
    const prefix = m.showPrefix
      ? `<strong>${m.prefixHtml}</strong>`
      : `<span class="visually-hidden">${m.prefixHtml}</span>`;
    return (
      `<div class="alert alert-${m.level}${dismissible} fade show text-break" ${messageAttributes(m)}>${prefix}${m.html}` +
      closeControl(m, { className: "btn-close", dismiss: 'data-bs-dismiss="alert"', content: "" }) +
      `</div>`
    );
  },
});
