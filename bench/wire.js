/**
 * The wire part of the micro benchmarks: the bytes one message adds to the flashing response
 * (Set-Cookie), to the next request (Cookie) and to the response that reads it, for flashkit and
 * each peer, measured with real requests against the real apps of bench/peers.js.
 */
import { table } from "./markdown.js";
import { bytes, flashAndRead, longMessage, MICRO_CATEGORY, MICRO_MESSAGE, peers } from "./peers.js";

/**
 * @typedef {object} WireRow
 * @property {string} library
 * @property {"one message" | "one 40-character message"} case
 * @property {number} messageChars
 * @property {number} setCookieHeaders Set-Cookie headers of the flashing response
 * @property {number} setCookieBytes their field values, summed
 * @property {number} setCookieLineBytes the same as HTTP/1.1 lines (`Set-Cookie: ` + value + CRLF)
 * @property {number} cookieBytes the `Cookie` field value the next request sends
 * @property {number} consumeSetCookieHeaders Set-Cookie headers of the response that reads the message
 * @property {number} consumeSetCookieBytes their field values, summed
 * @property {string} note
 */

/**
 * @typedef {object} WireResult
 * @property {string} message
 * @property {string} category
 * @property {string} longMessage
 * @property {WireRow[]} rows
 */

/**
 * Flashes one message through each peer app, then reads it back with what a browser kept.
 * @returns {Promise<WireResult>}
 */
export async function measureWire() {
  const cases = [
    { name: /** @type {const} */ ("one message"), query: "kind=one", expected: [MICRO_MESSAGE] },
    { name: /** @type {const} */ ("one 40-character message"), query: "n=1", expected: [longMessage(0)] },
  ];
  /** @type {WireRow[]} */
  const rows = [];
  for (const peer of peers()) {
    const app = await peer.start();
    try {
      for (const wireCase of cases) {
        const { flashed, cookie, read, readBack } = await flashAndRead(app, wireCase.query);
        if (JSON.stringify(readBack) !== JSON.stringify(wireCase.expected)) {
          throw new Error(`bench/wire: ${peer.key} read back ${JSON.stringify(readBack)} for ${wireCase.name}`);
        }
        const valueBytes = flashed.setCookies.reduce((sum, line) => sum + bytes(line), 0);
        rows.push({
          library: peer.library,
          case: wireCase.name,
          messageChars: wireCase.expected[0].length,
          setCookieHeaders: flashed.setCookies.length,
          setCookieBytes: valueBytes,
          setCookieLineBytes: valueBytes + flashed.setCookies.length * "Set-Cookie: \r\n".length,
          cookieBytes: bytes(cookie),
          consumeSetCookieHeaders: read.setCookies.length,
          consumeSetCookieBytes: read.setCookies.reduce((sum, line) => sum + bytes(line), 0),
          note: peer.note,
        });
      }
    } finally {
      await app.close();
    }
  }
  return { message: MICRO_MESSAGE, category: MICRO_CATEGORY, longMessage: longMessage(0), rows };
}

/**
 * The wire section of the report.
 * @param {WireResult} wire
 * @returns {string[]} Markdown lines
 * @example
 * wireMarkdown(await measureWire()).join("\n");
 */
export function wireMarkdown(wire) {
  return [
    "### Bytes on the wire per message",
    "",
    "A client without cookies requests a route that flashes, then sends back what a browser keeps. " +
      "Bytes are header field values; on HTTP/1.1 each `Set-Cookie` line adds 14 more (`Set-Cookie: ` and " +
      "CRLF) and the `Cookie` line 10.",
    "",
    table(
      [
        "Library",
        "Message",
        "Set-Cookie (flashing response)",
        "Cookie (next request)",
        "Set-Cookie (reading response)",
        "Note",
      ],
      wire.rows.map((row) => [
        row.library,
        row.case === "one message" ? `"${wire.message}"` : `${row.messageChars} characters`,
        `${row.setCookieBytes} B (${row.setCookieHeaders} header${row.setCookieHeaders === 1 ? "" : "s"})`,
        `${row.cookieBytes} B`,
        `${row.consumeSetCookieBytes} B (${row.consumeSetCookieHeaders})`,
        row.note,
      ]),
    ),
  ];
}
