/**
 * The Tailwind CSS theme. Every class it can emit is a complete literal in {@link TAILWIND_CLASSES},
 * so Tailwind's scanner finds them when this file is a source (`@source` in Tailwind 4, `content`
 * in Tailwind 3). Transitions only under `motion-safe:`.
 */
import {
  closeControl,
  type FlashLevel,
  messageAttributes,
  type Theme,
  type ThemeMessage,
  type ThemeMore,
} from "./theme.js";

/**
 * Every class the Tailwind theme emits, as complete literals. `dismissed` is not emitted by the
 * server: the client script adds it to fade a message out.
 */
export const TAILWIND_CLASSES = Object.freeze({
  message:
    "mb-4 flex items-start gap-3 rounded-lg border p-4 text-sm motion-safe:transition-opacity motion-safe:duration-300",
  levels: Object.freeze({
    primary: "border-blue-300 bg-blue-50 text-blue-900",
    secondary: "border-gray-300 bg-gray-100 text-gray-900",
    success: "border-green-300 bg-green-50 text-green-900",
    danger: "border-red-300 bg-red-50 text-red-900",
    warning: "border-yellow-300 bg-yellow-50 text-yellow-900",
    info: "border-sky-300 bg-sky-50 text-sky-900",
    light: "border-gray-200 bg-white text-gray-900",
    dark: "border-gray-900 bg-gray-800 text-white",
  } satisfies Record<FlashLevel, string>),
  closeHover: Object.freeze({
    primary: "hover:bg-blue-100",
    secondary: "hover:bg-gray-200",
    success: "hover:bg-green-100",
    danger: "hover:bg-red-100",
    warning: "hover:bg-yellow-100",
    info: "hover:bg-sky-100",
    light: "hover:bg-gray-100",
    dark: "hover:bg-gray-700",
  } satisfies Record<FlashLevel, string>),
  body: "min-w-0 flex-1 break-words",
  prefixHidden: "sr-only",
  prefixShown: "font-semibold",
  close:
    "-my-1.5 -mr-1.5 inline-flex size-8 shrink-0 items-center justify-center rounded-md text-lg leading-none " +
    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current",
  more: "mb-4",
  summary:
    "mb-4 cursor-pointer text-sm font-medium underline-offset-2 hover:underline " +
    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current",
  dismissed: "opacity-0",
});

/**
 * Tailwind alerts. Add this file to Tailwind's sources so that its classes are generated:
 *
 * @example
 * // app.css (Tailwind 4)
 * // @import "tailwindcss";
 * // @source "../node_modules/flashkit/dist/render/tailwind.js";
 * renderFlashMessages(messages, { theme: tailwind });
 */
export const tailwind: Theme = Object.freeze({
  name: "tailwind",
  message(m: ThemeMessage): string {
    const c = TAILWIND_CLASSES;
    const prefix = `<span class="${m.showPrefix ? c.prefixShown : c.prefixHidden}">${m.prefixHtml}</span>`;
    return (
      `<div class="${c.message} ${c.levels[m.level]}" ${messageAttributes(m)}>` +
      `<div class="${c.body}">${prefix}${m.html}</div>` +
      closeControl(m, {
        className: `${c.close} ${c.closeHover[m.level]}`,
        dismiss: "",
        content: '<span aria-hidden="true">&times;</span>',
      }) +
      `</div>`
    );
  },
  more(more: ThemeMore): string {
    const c = TAILWIND_CLASSES;
    return (
      `<details data-flash-more class="${c.more}"><summary class="${c.summary}">${more.summaryHtml}</summary>\n` +
      `${more.html}\n</details>`
    );
  },
});
