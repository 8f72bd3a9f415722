/**
 * The capacity part of the micro benchmarks: how many 40-character messages one request can flash
 * and the next read back under a browser's 4096-byte cookie limit, for flashkit and each peer,
 * found with real requests (a doubling, then a binary search), and what one message more does: the
 * server's answer, what it logs, what the next request reads, whether a signed-in client stays
 * signed in.
 */
import { createCookieJar } from "../dist/testing/cookie-jar.js";
import { table } from "./markdown.js";
import {
  browserKeeps,
  bytes,
  CAPACITY_CEILING,
  COOKIE_LIMIT_BYTES,
  flashAndRead,
  get,
  LONG_MESSAGE_CHARS,
  largestCookie,
  peers,
} from "./peers.js";

/**
 * @typedef {object} CapacityRow
 * @property {string} library
 * @property {number | null} fit the most messages that one request can flash and the next read back
 * @property {string} basis the limit that decides `fit`
 * @property {number | null} largestCookieBytes the largest `name=value` at `fit`
 * @property {number | null} cookieHeaderBytes the next request's `Cookie` value at `fit`
 * @property {number | null} [fitIn4096] flashkit only: the most whose whole `Cookie` value stays within 4096 bytes
 * @property {{ messages: number, largestCookieBytes: number, cookieHeaderBytes: number, status: number,
 *   logged: number, readBack: number, dropped?: { count: number, reason: string }, sessionKept?: boolean }
 *   | null} pastLimit
 *   what one more message does: the server's answer, what it logged (warn and up), and how many
 *   messages the next request reads once a browser has dropped every cookie over 4096 bytes; for the
 *   session libraries, whether a client signed in before that request is still signed in after it
 * @property {string} note
 */

/**
 * @typedef {object} CapacityResult
 * @property {number} limitBytes
 * @property {number} messageChars
 * @property {CapacityRow[]} rows
 */

/** Captures what Express apps write to console.warn/console.error while a request runs. */
function consoleCounter() {
  let count = 0;
  return {
    /** @template T @param {() => Promise<T>} run @returns {Promise<T>} */
    async around(run) {
      const { warn, error } = console;
      console.warn = (...args) => {
        count++;
        warn(...args);
      };
      console.error = (...args) => {
        count++;
        error(...args);
      };
      try {
        return await run();
      } finally {
        console.warn = warn;
        console.error = error;
      }
    },
    take() {
      const value = count;
      count = 0;
      return value;
    },
  };
}

/**
 * The largest n in [1, ceiling] for which `fits(n)` holds, `fits` being monotonic; 0 when none.
 * @param {(n: number) => Promise<boolean>} fits
 * @param {number} ceiling
 */
async function largestFitting(fits, ceiling) {
  if (!(await fits(1))) return 0;
  let low = 1;
  let high = 2;
  while (high <= ceiling && (await fits(high))) {
    low = high;
    high *= 2;
  }
  high = Math.min(high, ceiling + 1);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * Finds each peer's capacity (see {@link CapacityRow}); a peer that keeps its messages on the server
 * has none on the client.
 * @returns {Promise<CapacityResult>}
 */
export async function measureCapacity() {
  /** @type {CapacityRow[]} */
  const rows = [];
  for (const peer of peers()) {
    if (!peer.cookieBased) {
      rows.push({
        library: peer.library,
        fit: null,
        basis: "none on the client",
        largestCookieBytes: null,
        cookieHeaderBytes: null,
        pastLimit: null,
        note: "messages stay on the server; the session id cookie does not grow, the limit is the server store's",
      });
      continue;
    }
    const app = await peer.start();
    try {
      rows.push(await capacityOf(peer, app));
    } finally {
      await app.close();
    }
  }
  return { limitBytes: COOKIE_LIMIT_BYTES, messageChars: LONG_MESSAGE_CHARS, rows };
}

/**
 * One cookie-based peer's {@link CapacityRow}, against its running app.
 * @param {import("./peers.js").Peer} peer
 * @param {import("./peers.js").PeerApp} app
 * @returns {Promise<CapacityRow>}
 */
async function capacityOf(peer, app) {
  const counter = consoleCounter();
  /** @type {Map<number, Awaited<ReturnType<typeof flashAndRead>>>} */
  const seen = new Map();
  const probe = async (n) => {
    if (!seen.has(n)) seen.set(n, await counter.around(() => flashAndRead(app, `n=${n}`)));
    counter.take();
    app.takeLogged();
    return /** @type {Awaited<ReturnType<typeof flashAndRead>>} */ (seen.get(n));
  };
  const complete = (outcome, n) =>
    outcome.readBack.length === n && largestCookie(outcome.flashed.setCookies) <= COOKIE_LIMIT_BYTES;
  // flashkit drops the oldest past its own budget (and reports it) instead of sending a cookie
  // the browser would ignore: there, "fits" means "nothing dropped, all read back".
  const fit = await largestFitting(async (n) => {
    const outcome = await probe(n);
    return complete(outcome, n) && !outcome.dropped;
  }, CAPACITY_CEILING);
  const atFit = await probe(fit);
  // one more message, logging watched this time
  const over = await counter.around(() => flashAndRead(app, `n=${fit + 1}`));
  const logged = counter.take() + app.takeLogged();
  const sessionKept = peer.hasLogin ? await keepsSession(app, fit + 1) : undefined;
  counter.take();
  app.takeLogged();
  /** @type {CapacityRow} */
  const row = {
    library: peer.library,
    fit,
    basis: "",
    largestCookieBytes: largestCookie(atFit.flashed.setCookies),
    cookieHeaderBytes: bytes(atFit.cookie),
    pastLimit: {
      messages: fit + 1,
      largestCookieBytes: largestCookie(over.flashed.setCookies),
      cookieHeaderBytes: bytes(browserKeeps(over.flashed.setCookies)),
      status: over.flashed.status,
      logged,
      readBack: over.readBack.length,
      ...(over.dropped ? { dropped: over.dropped } : {}),
      ...(sessionKept === undefined ? {} : { sessionKept }),
    },
    note: "",
  };
  if (peer.key === "flashkit") {
    const fitIn4096 = await largestFitting(async (n) => {
      const outcome = await probe(n);
      return complete(outcome, n) && !outcome.dropped && bytes(outcome.cookie) <= COOKIE_LIMIT_BYTES;
    }, fit);
    row.fitIn4096 = fitIn4096;
    row.basis = "maxBytes (6144 bytes of Cookie header, the default)";
    row.note =
      `one cookie per message, ${row.largestCookieBytes} bytes each, so no single cookie nears 4096; ` +
      `${fit} fit the default maxBytes budget (${row.cookieHeaderBytes} bytes of Cookie header), ` +
      `${fitIn4096} fit within 4096 bytes of total Cookie header. ` +
      `At ${fit + 1} flashkit drops the oldest ${over.dropped?.count ?? 0} (reason "${over.dropped?.reason ?? "none"}") ` +
      `and reports it to onDrop (console.warn without one); the next request reads ${over.readBack.length}.`;
  } else {
    row.basis = "4096 bytes of name=value in one cookie";
    row.note = pastLimitNote(peer, row, over, logged, sessionKept);
  }
  return row;
}

/**
 * The same flash of `messages` from a signed-in client: whether the session it held survives.
 * @param {import("./peers.js").PeerApp} app
 * @param {number} messages
 */
async function keepsSession(app, messages) {
  const jar = createCookieJar();
  jar.apply((await get(app.port, "/login")).setCookies);
  const flashed = await get(app.port, `/flash?n=${messages}`, jar.header());
  jar.apply(flashed.setCookies);
  const who = await get(app.port, "/who", jar.header());
  return JSON.parse(who.body).user === "ada";
}

/**
 * What one message past a session library's capacity does, in words.
 * @param {import("./peers.js").Peer} peer
 * @param {CapacityRow} row
 * @param {Awaited<ReturnType<typeof flashAndRead>>} over
 * @param {number} logged
 * @param {boolean | undefined} sessionKept
 */
function pastLimitNote(peer, row, over, logged, sessionKept) {
  const messages = row.pastLimit?.messages;
  return (
    `at ${messages} messages the cookie is ${row.pastLimit?.largestCookieBytes} bytes; the server answers ` +
    `${over.flashed.status}, throws nothing and logs ${logged === 0 ? "nothing" : `${logged} line(s)`}; ` +
    `a browser ignores the oversized cookie, so the next request reads ${over.readBack.length} ` +
    `of the ${messages} messages, and the rest of that session update is lost with them` +
    (sessionKept === false
      ? "; a signed-in client is signed out: the browser keeps its old session cookie but takes the " +
        "new, small session.sig, which no longer matches it."
      : sessionKept === true
        ? "; a signed-in client keeps its earlier session."
        : ".") +
    (peer.key === "secure-session"
      ? " The cookie's size varies by a few bytes per response (random nonce, percent-encoded base64), " +
        "so this count can differ by one between runs."
      : "")
  );
}

/**
 * The capacity section of the report.
 * @param {CapacityResult} capacity
 * @returns {string[]} Markdown lines
 * @example
 * capacityMarkdown(await measureCapacity()).join("\n");
 */
export function capacityMarkdown(capacity) {
  return [
    `### Capacity: ${capacity.messageChars}-character messages under the ${capacity.limitBytes}-byte cookie limit`,
    "",
    "One request flashes N distinct messages; the largest N whose cookies a browser keeps and the next " +
      "request reads back in full.",
    "",
    table(
      ["Library", "Messages that fit", "Binding limit", "Largest cookie", "Cookie header", "Past the limit"],
      capacity.rows.map((row) => [
        row.library,
        row.fit === null ? "n/a" : row.fitIn4096 !== undefined ? `${row.fit} (${row.fitIn4096} in 4096 B)` : row.fit,
        row.basis,
        row.largestCookieBytes === null ? "n/a" : `${row.largestCookieBytes} B`,
        row.cookieHeaderBytes === null ? "n/a" : `${row.cookieHeaderBytes} B`,
        row.note,
      ]),
    ),
  ];
}
