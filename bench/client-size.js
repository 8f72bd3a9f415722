/**
 * The client part of the micro benchmarks: the size of each flashkit/client browser script, built in
 * memory as scripts/build-client.js builds them (esbuild, minified), then gzipped at level 9, against
 * the budget test/client-size.core.test.ts holds them to.
 */
import { gzipSync } from "node:zlib";
import { bundleClient, clientScripts } from "../scripts/build-client.js";
import { table } from "./markdown.js";

/** The gzip budget of every browser script (test/client-size.core.test.ts). */
export const CLIENT_BUDGET_BYTES = 3100;

/**
 * @typedef {object} ClientRow
 * @property {string} file
 * @property {"esm" | "iife"} format
 * @property {string[]} themes
 * @property {number} minBytes
 * @property {number} gzipBytes gzip level 9
 */

/**
 * @typedef {object} ClientResult
 * @property {number} budgetBytes
 * @property {ClientRow[]} rows
 */

/**
 * Builds every browser script and measures it.
 * @returns {Promise<ClientResult>}
 */
export async function measureClient() {
  /** @type {ClientRow[]} */
  const rows = [];
  for (const script of clientScripts()) {
    const code = await bundleClient(script);
    rows.push({
      file: script.file,
      format: script.format,
      themes: script.themes,
      minBytes: Buffer.byteLength(code, "utf8"),
      gzipBytes: gzipSync(code, { level: 9 }).length,
    });
  }
  return { budgetBytes: CLIENT_BUDGET_BYTES, rows };
}

/**
 * The client section of the report.
 * @param {ClientResult} client
 * @returns {string[]} Markdown lines
 * @example
 * clientMarkdown(await measureClient()).join("\n");
 */
export function clientMarkdown(client) {
  const over = client.rows.filter((row) => row.gzipBytes > client.budgetBytes).length;
  return [
    "### Browser scripts (flashkit/client)",
    "",
    `Built in memory as scripts/build-client.js builds them (esbuild, minified); gzip level 9. Budget ` +
      `${client.budgetBytes} B min+gzip each: ${over === 0 ? "all within" : `${over} over`}.`,
    "",
    table(
      ["Script", "Format", "Themes", "Minified", "Min+gzip"],
      client.rows.map((row) => [
        `\`${row.file}\``,
        row.format,
        row.themes.join(", "),
        `${row.minBytes} B`,
        `${row.gzipBytes} B`,
      ]),
    ),
  ];
}
