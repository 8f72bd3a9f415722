/**
 * HTML escaping and the one way to pass trusted markup through a renderer.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};
const ESCAPE_RE = /[&<>"']/g;

/**
 * Escapes `& < > " '` for HTML text and quoted attribute values, with the same entities as
 * Jinja/MarkupSafe (`&#34;` for `"`, `&#39;` for `'`), so flashkit's output matches Flask's.
 *
 * @example
 * escapeHtml(`<img src=x onerror="alert(1)">`);
 * // => "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"
 */
export function escapeHtml(value: string): string {
  if (typeof value !== "string") throw new TypeError(`escapeHtml() expects a string, got ${typeof value}`);
  return value.replace(ESCAPE_RE, (ch) => ESCAPES[ch]!);
}

declare const trustedBrand: unique symbol;

/**
 * Markup a renderer outputs as it is, unescaped. Only {@link trustedHtml} makes one: a value read
 * back from a cookie or a store (plain JSON) can never be trusted by accident.
 */
export interface TrustedHtml {
  /** The markup. */
  readonly html: string;
  /** Returns the markup. */
  toString(): string;
  readonly [trustedBrand]: true;
}

const trusted = new WeakSet<object>();

/**
 * Marks markup as trusted, for the renderer to output unescaped. Use it only on markup your code
 * wrote, never on user input. The mark is not data: it does not survive JSON, so wrap at render
 * time (for example in the `format` option of `renderFlashMessages`).
 *
 * @throws {TypeError} when `html` is not a string.
 * @example
 * renderFlashMessages([["success", trustedHtml('Saved. <a href="/undo">Undo</a>')]]);
 */
export function trustedHtml(html: string): TrustedHtml {
  if (typeof html !== "string") throw new TypeError(`trustedHtml() expects a string, got ${typeof html}`);
  const value = Object.freeze({
    html,
    toString(): string {
      return html;
    },
  });
  trusted.add(value);
  return value as unknown as TrustedHtml;
}

/**
 * Whether a value was made by {@link trustedHtml}.
 *
 * @example
 * isTrustedHtml(trustedHtml("<b>x</b>")); // true
 * isTrustedHtml({ html: "<b>x</b>" }); // false
 */
export function isTrustedHtml(value: unknown): value is TrustedHtml {
  return typeof value === "object" && value !== null && trusted.has(value);
}
