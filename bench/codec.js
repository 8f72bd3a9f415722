/**
 * The codec part of the micro benchmarks: the time one message costs to sign, encode, verify and
 * decode, through flashkit's cookie store and through the peers' own cookie code (cookie-session's
 * `cookies`/`keygrip`, @fastify/secure-session's secretbox), in one tinybench run per round with the
 * libraries alternating. Issue 6's target: the cookie store's round trip under 5 µs.
 */
import { createRequire } from "node:module";
import fastifySecureSession from "@fastify/secure-session";
import Fastify from "fastify";
import { cookieStore, createFlash } from "flashkit";
import { Bench, calibrateTimerOverhead, hrtimeNowTimestampProvider } from "tinybench";
// The signing primitives behind the package's private `#signing` import: no public export reaches
// them, so the built file is imported by path, for the primitive row only.
import { createSigner, decodeBase64Url, encodeBase64Url } from "../dist/core/signing-node.js";
import { BENCH_SECRET, flashkitRequestPath, toCookieHeader } from "./apps.js";
import { table } from "./markdown.js";
import { MICRO_CATEGORY, MICRO_MESSAGE, SODIUM_KEY } from "./peers.js";

const require = createRequire(import.meta.url);
// cookie-session's own copy of `cookies` (and through it, of `keygrip`), whatever npm hoisted.
const Cookies = createRequire(require.resolve("cookie-session"))("cookies");

/** The codec target of issue 6, in µs for one message's sign + encode + verify + decode. */
export const CODEC_TARGET_MICROS = 5;

/**
 * @typedef {object} CodecRow
 * @property {string} id stable key, such as `"flashkit-store-roundtrip"`
 * @property {string} library
 * @property {"round trip" | "encode + sign" | "verify + decode"} operation
 * @property {string} path what one measured call does
 * @property {number} meanMicros
 * @property {number} medianMicros
 * @property {number} p99Micros
 * @property {number} rmePercent relative margin of error of the mean (95%)
 * @property {number} samples
 * @property {number} opsPerSecond `1e6 / meanMicros`
 * @property {number[]} roundMeansMicros the mean of each Bench run, to show how stable it was
 */

/**
 * @typedef {object} CodecResult
 * @property {number} targetMicros
 * @property {{ id: string, meanMicros: number, medianMicros: number, met: boolean, metOnMedian: boolean }} target
 *   `met` judges the mean of the flashkit store's round trip
 * @property {{ timeMs: number, warmupMs: number, rounds: number, timestampProvider: string, timerOverheadNs: number,
 *   order: string }} settings
 * @property {CodecRow[]} rows
 */

/**
 * @typedef {object} Codec one library's cookie code as plain functions
 * @property {() => string[]} encode one message to its Set-Cookie headers
 * @property {(cookieHeader: string) => unknown} decode a Cookie header back to the message
 */

/**
 * flashkit: the cookie store's public API, as the jar calls it (src/core/jar.ts), its request path,
 * and the bare primitives under it.
 */
function flashkitCodec() {
  const store = cookieStore({ secret: BENCH_SECRET });
  const flash = createFlash({ store });
  const minted = [];
  const first = flash.open({ cookieHeader: undefined, appendSetCookie: (h) => minted.push(h) });
  first.flash(MICRO_MESSAGE, MICRO_CATEGORY);
  first.commit();
  const cookieName = minted[0].slice(0, minted[0].indexOf("="));
  const id = cookieName.slice("flash.".length);
  const noRemove = Object.freeze([]);
  const encode = () => {
    const out = [];
    // the json is made at flash() time (jar.ts); a request pays it, so it is timed here
    const entry = { id, category: MICRO_CATEGORY, message: MICRO_MESSAGE, json: "" };
    entry.json = JSON.stringify([MICRO_CATEGORY, MICRO_MESSAGE]);
    store.commit({ cookieHeader: undefined, appendSetCookie: (h) => out.push(h) }, { remove: noRemove, add: [entry] });
    return out;
  };
  const decode = (cookieHeader) => {
    const loaded = store.load({ cookieHeader, appendSetCookie() {} });
    return loaded[0]?.message;
  };
  const jar = () => flashkitRequestPath(flash, MICRO_MESSAGE, MICRO_CATEGORY);
  const signer = createSigner([BENCH_SECRET]);
  const primitive = () => {
    const payload = encodeBase64Url(JSON.stringify([MICRO_CATEGORY, MICRO_MESSAGE]));
    const mac = signer.sign(`${cookieName}=${payload}`);
    if (!signer.verify(`${cookieName}=${payload}`, mac)) throw new Error("primitive verify failed");
    return JSON.parse(decodeBase64Url(payload))[1];
  };
  return { encode, decode, jar, primitive };
}

/**
 * cookie-session 2: a new Cookies (with a new Keygrip) per request, its private encode()/decode()
 * (base64 of JSON, two lines, reproduced), cookies.set/get with { signed: true } (HMAC-SHA1).
 * @returns {Codec}
 */
function cookieSessionCodec() {
  const keys = [BENCH_SECRET];
  const sessionOptions = Object.create({ name: "session", keys, overwrite: true, httpOnly: true, signed: true });
  const fakeRequest = { headers: {}, socket: {} };
  const encode = () => {
    let headers;
    const response = { getHeader: () => headers, setHeader: (_name, value) => (headers = value) };
    const cookies = new Cookies(fakeRequest, response, { keys });
    const body = { flash: { [MICRO_CATEGORY]: [MICRO_MESSAGE] } };
    cookies.set("session", Buffer.from(JSON.stringify(body)).toString("base64"), sessionOptions);
    return headers;
  };
  const nullResponse = { getHeader() {}, setHeader() {} };
  const decode = (cookieHeader) => {
    const cookies = new Cookies({ headers: { cookie: cookieHeader }, socket: {} }, nullResponse, { keys });
    const value = cookies.get("session", sessionOptions);
    return JSON.parse(Buffer.from(value, "base64").toString("utf8")).flash[MICRO_CATEGORY][0];
  };
  return { encode, decode };
}

/**
 * @fastify/secure-session 8: the functions it decorates the instance with (the ones its hooks
 * call), plus @fastify/cookie's serialize/parse, with the options its onSend hook passes.
 * @returns {Promise<Codec & { close: () => Promise<void> }>}
 */
async function secureSessionCodec() {
  const fastify = Fastify({ logger: false });
  await fastify.register(fastifySecureSession, { key: SODIUM_KEY, cookie: { path: "/" } });
  await fastify.ready();
  const secureCookieOptions = { path: "/", httpOnly: true, sameSite: "lax" };
  const encode = () => {
    const session = fastify.createSecureSession({});
    session.set("flash", { [MICRO_CATEGORY]: [MICRO_MESSAGE] });
    return [fastify.serializeCookie("session", fastify.encodeSecureSession(session), secureCookieOptions)];
  };
  const decode = (cookieHeader) => {
    const session = fastify.decodeSecureSession(fastify.parseCookie(cookieHeader).session);
    return session.get("flash")[MICRO_CATEGORY][0];
  };
  return { encode, decode, close: () => fastify.close() };
}

/** The three libraries' codecs as timed tasks, checked once before they are timed. */
async function codecSubjects() {
  const flashkit = flashkitCodec();
  const cookieSession = cookieSessionCodec();
  const secure = await secureSessionCodec();
  const roundTrip = (codec) => () => codec.decode(toCookieHeader(codec.encode()));
  const encodeOnly = (codec) => () => codec.encode()[0];
  const decodeOnly = (codec) => {
    const cookieHeader = toCookieHeader(codec.encode());
    return () => codec.decode(cookieHeader);
  };
  const subjects = [
    {
      id: "flashkit-store-roundtrip",
      library: "flashkit cookie store",
      operation: "round trip",
      path: "store.commit() of one entry (JSON, base64url, HMAC-SHA256, Set-Cookie), then store.load() of its Cookie header (parse, verify, decode)",
      fn: roundTrip(flashkit),
    },
    {
      id: "cookie-session-roundtrip",
      library: "cookie-session",
      operation: "round trip",
      path: "encode() + cookies.set({ signed }) (base64 JSON, Keygrip HMAC-SHA1, 2 Set-Cookie), then cookies.get({ signed }) + decode()",
      fn: roundTrip(cookieSession),
    },
    {
      id: "secure-session-roundtrip",
      library: "@fastify/secure-session",
      operation: "round trip",
      path: "encodeSecureSession() (JSON, secretbox, base64) + serializeCookie(), then parseCookie() + decodeSecureSession()",
      fn: roundTrip(secure),
    },
    {
      id: "flashkit-store-encode",
      library: "flashkit cookie store",
      operation: "encode + sign",
      path: "store.commit() of one entry, JSON.stringify included",
      fn: encodeOnly(flashkit),
    },
    {
      id: "cookie-session-encode",
      library: "cookie-session",
      operation: "encode + sign",
      path: "encode() + cookies.set({ signed })",
      fn: encodeOnly(cookieSession),
    },
    {
      id: "secure-session-encode",
      library: "@fastify/secure-session",
      operation: "encode + sign",
      path: "createSecureSession() + set() + encodeSecureSession() + serializeCookie()",
      fn: encodeOnly(secure),
    },
    {
      id: "flashkit-store-decode",
      library: "flashkit cookie store",
      operation: "verify + decode",
      path: "store.load() of the Cookie header",
      fn: decodeOnly(flashkit),
    },
    {
      id: "cookie-session-decode",
      library: "cookie-session",
      operation: "verify + decode",
      path: "cookies.get({ signed }) + decode()",
      fn: decodeOnly(cookieSession),
    },
    {
      id: "secure-session-decode",
      library: "@fastify/secure-session",
      operation: "verify + decode",
      path: "parseCookie() + decodeSecureSession() + get()",
      fn: decodeOnly(secure),
    },
    {
      id: "flashkit-primitive-roundtrip",
      library: "flashkit primitives",
      operation: "round trip",
      path: "JSON + base64url + HMAC-SHA256 sign, verify + base64url + JSON.parse: no cookie header, no store",
      fn: flashkit.primitive,
    },
    {
      id: "flashkit-jar-roundtrip",
      library: "flashkit request path",
      operation: "round trip",
      path: "jar.flash() + commit(), then a new jar's load() + getFlashedMessages() + commit() (the expiring Set-Cookie)",
      fn: flashkit.jar,
    },
  ];
  // Every task must do its work before it is timed: a decode returns the message, an encode a
  // Set-Cookie header carrying a signature.
  for (const subject of subjects) {
    const got = subject.fn();
    const ok =
      subject.operation === "encode + sign" ? typeof got === "string" && got.length > 40 : got === MICRO_MESSAGE;
    if (!ok) throw new Error(`bench/codec: ${subject.id} returned ${JSON.stringify(got)}`);
  }
  return { subjects, close: secure.close };
}

/**
 * Statistics of pooled latency samples (ms, sorted), in µs, as tinybench computes them: linear
 * interpolation between order statistics, 95% Student t margin (the normal 1.96 at these counts).
 * @param {number[]} sorted
 */
function pooledStats(sorted) {
  const n = sorted.length;
  const quantile = (q) => {
    const at = (n - 1) * q;
    const low = Math.floor(at);
    const high = Math.min(low + 1, n - 1);
    return sorted[low] + (at - low) * (sorted[high] - sorted[low]);
  };
  let sum = 0;
  for (const value of sorted) sum += value;
  const mean = sum / n;
  let squares = 0;
  for (const value of sorted) squares += (value - mean) ** 2;
  const sem = Math.sqrt(squares / Math.max(n - 1, 1)) / Math.sqrt(n);
  const critical = n > 1000 ? 1.96 : n > 100 ? 1.984 : 2.1;
  return {
    meanMicros: mean * 1000,
    medianMicros: quantile(0.5) * 1000,
    p99Micros: quantile(0.99) * 1000,
    rmePercent: mean === 0 ? 0 : ((critical * sem) / mean) * 100,
    samples: n,
  };
}

/**
 * Times the tasks in `rounds` Bench runs, the libraries alternating and the first task rotating from
 * run to run; returns each task's samples (ms) per run and its mean per run (µs).
 * @param {Array<{ id: string, fn: () => { length: number } }>} subjects
 * @param {{ timeMs: number, warmupMs: number, rounds: number }} settings
 * @returns {Promise<Map<string, { samples: number[][], roundMeans: number[] }>>}
 */
async function timeRounds(subjects, { timeMs, warmupMs, rounds }) {
  /** @type {Map<string, { samples: number[][], roundMeans: number[] }>} */
  const pooled = new Map(subjects.map((subject) => [subject.id, { samples: [], roundMeans: [] }]));
  // Results land in a sink read after the run, so the engine cannot drop the work.
  let sink = 0;
  for (let pass = 0; pass < rounds; pass++) {
    // Each round is one Bench run of every task, the libraries alternating; the start rotates by
    // one library per round, so background noise on a shared machine falls on all of them.
    const offset = (pass * 3) % subjects.length;
    const order = subjects.slice(offset).concat(subjects.slice(0, offset));
    const bench = new Bench({
      name: `flashkit micro: codec, round ${pass + 1} of ${rounds}`,
      time: timeMs / rounds,
      warmup: pass === 0,
      warmupTime: warmupMs,
      timestampProvider: "hrtimeNow",
      retainSamples: true,
      throws: true,
    });
    for (const subject of order) {
      bench.add(
        subject.id,
        () => {
          sink += subject.fn().length;
        },
        { async: false },
      );
    }
    await bench.run();
    for (const subject of order) {
      const result = bench.getTask(subject.id)?.result;
      if (!result || (result.state !== "completed" && result.state !== "aborted-with-statistics")) {
        throw new Error(`bench/codec: task ${subject.id} ended ${result?.state ?? "missing"}`);
      }
      const entry = /** @type {{ samples: number[][], roundMeans: number[] }} */ (pooled.get(subject.id));
      entry.samples.push(Array.from(result.latency.samples ?? []));
      entry.roundMeans.push(round(result.latency.mean * 1000, 3));
    }
  }
  if (sink === 0) throw new Error("bench/codec: the codec tasks produced nothing");
  return pooled;
}

/**
 * Times every codec task: 4 rounds of 250 ms per task by default, 1 round of 150 ms with `quick`.
 * @param {boolean} quick
 * @returns {Promise<CodecResult>}
 */
export async function measureCodec(quick) {
  const timeMs = quick ? 150 : 1000;
  const warmupMs = quick ? 50 : 200;
  const rounds = quick ? 1 : 4;
  const { subjects, close } = await codecSubjects();
  let pooled;
  try {
    pooled = await timeRounds(subjects, { timeMs, warmupMs, rounds });
  } finally {
    await close();
  }

  /** @type {CodecRow[]} */
  const rows = subjects.map((subject) => {
    const entry = /** @type {{ samples: number[][], roundMeans: number[] }} */ (pooled.get(subject.id));
    const stats = pooledStats(entry.samples.flat().sort((a, b) => a - b));
    return {
      id: subject.id,
      library: subject.library,
      operation: subject.operation,
      path: subject.path,
      meanMicros: round(stats.meanMicros, 3),
      medianMicros: round(stats.medianMicros, 3),
      p99Micros: round(stats.p99Micros, 3),
      rmePercent: round(stats.rmePercent, 2),
      samples: stats.samples,
      opsPerSecond: Math.round(1e6 / stats.meanMicros),
      roundMeansMicros: entry.roundMeans,
    };
  });
  const target = /** @type {CodecRow} */ (rows.find((row) => row.id === "flashkit-store-roundtrip"));
  const timerOverheadNs = calibrateTimerOverhead(hrtimeNowTimestampProvider) * 1e6;
  return {
    targetMicros: CODEC_TARGET_MICROS,
    target: {
      id: target.id,
      meanMicros: target.meanMicros,
      medianMicros: target.medianMicros,
      met: target.meanMicros < CODEC_TARGET_MICROS,
      metOnMedian: target.medianMicros < CODEC_TARGET_MICROS,
    },
    settings: {
      timeMs,
      warmupMs,
      rounds,
      timestampProvider: "hrtimeNow",
      timerOverheadNs: round(timerOverheadNs, 1),
      order:
        (rounds === 1
          ? "one Bench run: the tasks run one after another with the libraries alternating"
          : `${rounds} Bench runs of ${timeMs / rounds} ms per task, samples pooled: in each, the tasks run one ` +
            "after another with the libraries alternating, and the first task rotates between runs") +
        "; each sample is one call and includes one timer read (not subtracted)",
    },
    rows,
  };
}

/** @param {number} value @param {number} digits */
function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** @param {number} micros */
const us = (micros) => (micros < 10 ? micros.toFixed(2) : micros.toFixed(1));

/**
 * The codec section of the report: the verdict on issue 6's target, then one row per task.
 * @param {CodecResult} codec
 * @param {string} tinybenchVersion
 * @returns {string[]} Markdown lines
 * @example
 * codecMarkdown(await measureCodec(true), "6.2.5").join("\n");
 */
export function codecMarkdown(codec, tinybenchVersion) {
  const verdict = codec.target.met ? "**met**" : "**not met**";
  return [
    "### Codec: sign + encode + verify + decode of one message",
    "",
    `One message, "${MICRO_MESSAGE}" (category \`${MICRO_CATEGORY}\`). Target (issue 6): the flashkit cookie ` +
      `store's round trip under ${codec.targetMicros} µs. Measured: ${us(codec.target.meanMicros)} µs mean, ` +
      `${us(codec.target.medianMicros)} µs median: ${verdict}` +
      (codec.target.met === codec.target.metOnMedian
        ? "."
        : ` on the mean (${codec.target.metOnMedian ? "met" : "not met"} on the median).`),
    "",
    table(
      ["Library", "Operation", "Mean (µs)", "Median (µs)", "p99 (µs)", "± (rme)", "Samples", "What one call does"],
      codec.rows.map((row) => [
        row.library,
        row.operation,
        us(row.meanMicros),
        us(row.medianMicros),
        us(row.p99Micros),
        `${row.rmePercent.toFixed(2)}%`,
        row.samples,
        row.path,
      ]),
    ),
    "",
    `tinybench ${tinybenchVersion}, ${codec.settings.timeMs} ms per task after ` +
      `${codec.settings.warmupMs} ms of warm-up, ${codec.settings.timestampProvider} timer ` +
      `(one timer read, about ${codec.settings.timerOverheadNs} ns); ${codec.settings.order}. ` +
      "A mean far above its median means pauses (GC, other processes) hit some calls. " +
      '"flashkit cookie store" goes through the public `cookieStore()` ' +
      '`commit()`/`load()`, which is what a request pays; "flashkit primitives" is the bare HMAC and ' +
      'base64url under it; "flashkit request path" adds the jar (`flash()`, id, limits) on both requests. ' +
      "cookie-session's encode()/decode() are private: their two lines are reproduced, the signing and " +
      "cookie code is the real `cookies`/`keygrip`.",
  ];
}
