/**
 * The plain theme: semantic HTML with `flash-*` classes, styled by a small stylesheet shipped with
 * the package ({@link PLAIN_CSS}, also the file `flashkit/render/plain.css`).
 */
import {
  closeControl,
  type FlashLevel,
  messageAttributes,
  type Theme,
  type ThemeMessage,
  type ThemeMore,
} from "./theme.js";

/** The colours of each level in {@link PLAIN_CSS}: text on background reaches WCAG AAA (7:1). */
export const PLAIN_PALETTE: Readonly<Record<FlashLevel, { text: string; background: string; border: string }>> =
  Object.freeze({
    primary: { text: "#052c65", background: "#cfe2ff", border: "#0d6efd" },
    secondary: { text: "#2b2f32", background: "#e2e3e5", border: "#6c757d" },
    success: { text: "#0a3622", background: "#d1e7dd", border: "#198754" },
    danger: { text: "#58151c", background: "#f8d7da", border: "#dc3545" },
    warning: { text: "#332701", background: "#fff3cd", border: "#cc9a06" },
    info: { text: "#032830", background: "#cff4fc", border: "#0aa2c0" },
    light: { text: "#1f2328", background: "#fcfcfd", border: "#adb5bd" },
    dark: { text: "#f8f9fa", background: "#212529", border: "#000000" },
  });

const levelRules = (Object.keys(PLAIN_PALETTE) as FlashLevel[])
  .map((level) => {
    const { text, background, border } = PLAIN_PALETTE[level];
    return `.flash-${level} {\n  color: ${text};\n  background: ${background};\n  border-color: ${border};\n}`;
  })
  .join("\n");

/**
 * The plain theme's stylesheet: colours with AAA contrast, a visible focus ring, the fade only
 * when the user has not asked for reduced motion. Serve the file `flashkit/render/plain.css`, or
 * inline this string.
 *
 * @example
 * res.send(`<style>${PLAIN_CSS}</style>${renderFlashMessages(messages, { theme: "plain" })}`);
 */
export const PLAIN_CSS = `/* flashkit: plain theme */
.flash {
  display: flex;
  align-items: flex-start;
  gap: 0.75rem;
  margin: 0 0 0.75rem;
  padding: 0.75rem 1rem;
  border: 1px solid;
  border-inline-start-width: 0.375rem;
  border-radius: 0.375rem;
  line-height: 1.5;
}
.flash-body {
  flex: 1;
  min-width: 0;
  overflow-wrap: anywhere;
}
.flash-prefix {
  font-weight: 700;
}
.flash-visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0, 0, 0, 0);
  white-space: nowrap;
  border: 0;
}
.flash-close {
  flex: none;
  display: inline-flex;
  align-items: center;
  justify-content: center;
  width: 2rem;
  height: 2rem;
  margin: -0.25rem -0.5rem -0.25rem 0;
  padding: 0;
  border: 0;
  border-radius: 0.25rem;
  background: transparent;
  color: inherit;
  font: inherit;
  font-size: 1.25rem;
  line-height: 1;
  text-decoration: none;
  cursor: pointer;
}
.flash-close:hover {
  background: rgb(0 0 0 / 0.1);
}
.flash-close:focus-visible,
.flash-more > summary:focus-visible {
  outline: 3px solid currentColor;
  outline-offset: 2px;
}
.flash-close[hidden] {
  display: none;
}
.flash-more > summary {
  margin: 0 0 0.75rem;
  cursor: pointer;
}
.flash-dismissed {
  opacity: 0;
}
@media (prefers-reduced-motion: no-preference) {
  .flash {
    transition: opacity 0.15s linear;
  }
}
${levelRules}
`;

/**
 * Plain, semantic markup: `<div class="flash flash-<level>">` with the text in
 * `<div class="flash-body">` and a `<button class="flash-close">`. Style it with {@link PLAIN_CSS}.
 *
 * @example
 * renderFlashMessages([["success", "Saved"]], { theme: plain });
 * // <div class="flash flash-success" role="status" id="flash-…" data-flash-message data-flash-level="success">
 * //   <div class="flash-body"><span class="flash-visually-hidden">Success: </span>Saved</div><button …>
 */
export const plain: Theme = Object.freeze({
  name: "plain",
  message(m: ThemeMessage): string {
    const prefix = m.showPrefix
      ? `<strong class="flash-prefix">${m.prefixHtml}</strong>`
      : `<span class="flash-visually-hidden">${m.prefixHtml}</span>`;
    return (
      `<div class="flash flash-${m.level}" ${messageAttributes(m)}><div class="flash-body">${prefix}${m.html}</div>` +
      closeControl(m, { className: "flash-close", dismiss: "", content: '<span aria-hidden="true">&times;</span>' }) +
      `</div>`
    );
  },
  more(more: ThemeMore): string {
    return `<details data-flash-more class="flash-more"><summary>${more.summaryHtml}</summary>\n${more.html}\n</details>`;
  },
});
