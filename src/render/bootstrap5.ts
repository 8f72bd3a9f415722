/**
 * The Bootstrap 5 theme (the default): `alert alert-<level> alert-dismissible fade show` with a
 * `btn-close` button. Messages stay visible without JavaScript.
 */
import type { Theme, ThemeMessage } from "./theme.js";

/**
 * Bootstrap 5 alerts.
 *
 * @example
 * renderFlashMessages([["error", "Invalid password"]], { theme: bootstrap5 });
 * // <div class="alert alert-danger alert-dismissible fade show" role="alert" data-flash-level="danger">
 * //   <span class="visually-hidden">Error: </span>Invalid password<button type="button" class="btn-close" ...
 */
export const bootstrap5: Theme = Object.freeze({
  name: "bootstrap5",
  message(m: ThemeMessage): string {
    return (
      `<div class="alert alert-${m.level} alert-dismissible fade show" role="${m.role}" data-flash-level="${m.level}">` +
      `<span class="visually-hidden">${m.prefixHtml}</span>${m.html}` +
      `<button type="button" class="btn-close" data-bs-dismiss="alert" aria-label="${m.closeLabelHtml}"></button>` +
      `</div>`
    );
  },
});
