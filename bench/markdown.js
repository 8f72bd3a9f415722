/**
 * The Markdown helpers every part of the bench report shares: tables, and numbers and ratios as
 * cells. Measures nothing.
 */

/** @param {string} text */
const cell = (text) => String(text).replace(/\|/g, "\\|");

/**
 * A Markdown table, its cells escaped.
 * @param {string[]} header
 * @param {Array<Array<string | number>>} rows
 * @returns {string}
 * @example
 * table(["a", "b"], [[1, "x|y"]]); // "| a | b |\n| --- | --- |\n| 1 | x\\|y |"
 */
export function table(header, rows) {
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const row of rows) lines.push(`| ${row.map((value) => cell(String(value))).join(" | ")} |`);
  return lines.join("\n");
}

/**
 * A number with `digits` decimals, or "–" when it is not finite (not measured).
 * @param {number} value
 * @param {number} digits
 * @example
 * fixed(Number.NaN, 2); // "–"
 */
export const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

/**
 * A median ratio and, when there was more than one round, its range over rounds.
 * @param {number} ratio
 * @param {[number, number]} range
 * @example
 * ratioText(0.95, [0.9, 0.99]); // "0.95 (0.90–0.99)"
 */
export const ratioText = (ratio, [low, high]) =>
  `${fixed(ratio, 2)}${high > low ? ` (${fixed(low, 2)}–${fixed(high, 2)})` : ""}`;
