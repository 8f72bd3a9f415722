/**
 * The client's copies of flashkit/render's four themes: the markup of messages shown from data.
 * Import only those your pages use; src/client/markup.test.ts checks each against the server
 * renderer, byte for byte.
 */
import { type ClientMessage, type ClientTheme, LEVELS } from "./markup.js";

const TIMES = '<span aria-hidden="true">&times;</span>';
const attributes = (m: ClientMessage) =>
  `role="${m.role}" id="${m.id}" data-flash-message data-flash-level="${m.level}"`;
const button = (m: ClientMessage, classes: string, content: string) =>
  `<button type="button" class="${classes} data-flash-close aria-label="${m.label}">${content}</button></div>`;
const DETAILS = "<details data-flash-more><summary></summary></details>";

/**
 * Bootstrap 5 (`alert … fade show`, `btn-close`): flashkit/render's default theme.
 *
 * @example
 * Flash.start({ themes: [bootstrap5] });
 */
export const bootstrap5: ClientTheme = {
  name: "bootstrap5",
  message: (m) =>
    `<div class="alert alert-${m.level} alert-dismissible fade show text-break" ${attributes(m)}><span class="visually-hidden">${m.prefix}</span>${m.text}` +
    button(m, 'btn-close" data-bs-dismiss="alert"', ""),
  more: DETAILS,
  closing: "fade",
};

/**
 * Bootstrap 4 (`alert … fade show`, `close` with `&times;`).
 *
 * @example
 * Flash.start({ themes: [bootstrap4] });
 */
export const bootstrap4: ClientTheme = {
  name: "bootstrap4",
  message: (m) =>
    `<div class="alert alert-${m.level} alert-dismissible fade show text-break" ${attributes(m)}><span class="sr-only">${m.prefix}</span>${m.text}` +
    button(m, 'close" data-dismiss="alert"', TIMES),
  more: DETAILS,
  closing: "fade",
};

/**
 * Tailwind's colours per level, in the order of {@link LEVELS}: border, background, text, and
 * the close button's hover background, `/`-separated; a single colour `c` (6 letters at most)
 * stands for `c-300/c-50/c-900/c-100`. The server theme (flashkit/render's tailwind.ts) holds each class as
 * a complete literal for Tailwind's scanner.
 */
const TW =
  "blue gray-300/gray-100/gray-900/gray-200 green red yellow sky gray-200/white/gray-900/gray-100 gray-900/gray-800/white/gray-700";

/**
 * Tailwind CSS (utility classes: the page's Tailwind build must see them, and `opacity-0`).
 *
 * @example
 * Flash.start({ themes: [tailwind] });
 */
export const tailwind: ClientTheme = {
  name: "tailwind",
  message: (m) => {
    const c = TW.split(" ")[LEVELS.indexOf(m.level)]!;
    const [border, bg, text, hover] = (c[6] ? c : `${c}-300/${c}-50/${c}-900/${c}-100`).split("/");
    return (
      `<div class="mb-4 flex items-start gap-3 rounded-lg border p-4 text-sm motion-safe:transition-opacity motion-safe:duration-300 border-${border} bg-${bg} text-${text}" ${attributes(m)}>` +
      `<div class="min-w-0 flex-1 break-words"><span class="sr-only">${m.prefix}</span>${m.text}</div>` +
      button(
        m,
        `-my-1.5 -mr-1.5 inline-flex size-8 shrink-0 items-center justify-center rounded-md text-lg leading-none focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current hover:bg-${hover}"`,
        TIMES,
      )
    );
  },
  more: '<details data-flash-more class="mb-4"><summary class="mb-4 cursor-pointer text-sm font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current"></summary></details>',
  closing: "opacity-0",
};

/**
 * The plain theme (`flash flash-<level>`, styled by flashkit/render's `PLAIN_CSS`).
 *
 * @example
 * Flash.start({ themes: [plain] });
 */
export const plain: ClientTheme = {
  name: "plain",
  message: (m) =>
    `<div class="flash flash-${m.level}" ${attributes(m)}><div class="flash-body"><span class="flash-visually-hidden">${m.prefix}</span>${m.text}</div>` +
    button(m, 'flash-close"', TIMES),
  more: '<details data-flash-more class="flash-more"><summary></summary></details>',
  closing: "flash-dismissed",
};
