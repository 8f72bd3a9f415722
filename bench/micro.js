/**
 * The micro half of `npm run bench` (issue 6), in one process and without a load generator:
 *
 * - `codec`: the time one message costs to sign, encode, verify and decode, through flashkit's
 *   cookie store and through the peers' own cookie code, in one tinybench run;
 * - `wire`: the bytes one message adds to the flashing response and to the next request, measured
 *   with real requests against real apps;
 * - `capacity`: how many 40-character messages fit under the 4 KB cookie limit, found with real
 *   requests;
 * - `client`: the sizes of flashkit/client's browser scripts;
 * - `environment`: where it ran.
 *
 * bench/run.js calls {@link runMicro} and {@link microMarkdown}; `node bench/micro.js [--quick]`
 * runs it alone and prints the Markdown and the JSON.
 */
import { readFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import fastifyFlash from "@fastify/flash";
import fastifySecureSession from "@fastify/secure-session";
import connectFlash from "connect-flash";
import cookieSession from "cookie-session";
import express from "express";
import expressSession from "express-session";
import Fastify from "fastify";
import { cookieStore, createFlash } from "flashkit";
import { flash as flashkitExpress } from "flashkit/express";
import { Bench, calibrateTimerOverhead, hrtimeNowTimestampProvider } from "tinybench";
// The signing primitives behind the package's private `#signing` import: no public export reaches
// them, so the built file is imported by path, for the primitive row only.
import { createSigner, decodeBase64Url, encodeBase64Url } from "../dist/core/signing-node.js";
import { bundleClient, clientScripts } from "../scripts/build-client.js";
import { flashkitRequestPath, toCookieHeader } from "./apps.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
// cookie-session's own copy of `cookies` (and through it, of `keygrip`), whatever npm hoisted.
const requireFromCookieSession = createRequire(require.resolve("cookie-session"));
const Cookies = requireFromCookieSession("cookies");

/** The message of issue 6's figures. */
export const MICRO_MESSAGE = "Profile updated successfully!";
/** Its category. */
export const MICRO_CATEGORY = "success";
/** The codec target of issue 6, in µs for one message's sign + encode + verify + decode. */
export const CODEC_TARGET_MICROS = 5;
/** The most bytes of `name=value` a browser keeps in one cookie (RFC 6265 section 6.1). */
export const COOKIE_LIMIT_BYTES = 4096;
/** The length of the messages of the capacity test and of the second wire case. */
export const LONG_MESSAGE_CHARS = 40;
/** The gzip budget of every browser script (test/client-size.test.ts). */
export const CLIENT_BUDGET_BYTES = 3072;

const SECRET = "flashkit-bench-secret-0123456789-0123456789";
/** A fixed libsodium secretbox key for @fastify/secure-session: exactly 32 bytes. */
const SODIUM_KEY = Buffer.from("flashkit-bench-secure-session-32", "utf8");
const FILLER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Requests of the capacity search never flash more than this many messages. */
const CAPACITY_CEILING = 1024;

/**
 * The `index`-th distinct ASCII message of exactly {@link LONG_MESSAGE_CHARS} characters.
 * @param {number} index
 * @returns {string}
 * @example
 * longMessage(0); // "Message 0001: abcdefghijklmnopqrstuvwxyz"
 */
export function longMessage(index) {
  const head = `Message ${String(index + 1).padStart(4, "0")}: `;
  return head + FILLER.slice(0, LONG_MESSAGE_CHARS - head.length);
}

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
 * @typedef {object} ClientRow
 * @property {string} file
 * @property {"esm" | "iife"} format
 * @property {string[]} themes
 * @property {number} minBytes
 * @property {number} gzipBytes gzip level 9
 */

/**
 * @typedef {object} MicroResult
 * @property {{ targetMicros: number,
 *   target: { id: string, meanMicros: number, medianMicros: number, met: boolean, metOnMedian: boolean },
 *   settings: { timeMs: number, warmupMs: number, rounds: number, timestampProvider: string, timerOverheadNs: number,
 *     order: string },
 *   rows: CodecRow[] }} codec `met` judges the mean of the flashkit store's round trip
 * @property {{ message: string, category: string, longMessage: string, rows: WireRow[] }} wire
 * @property {{ limitBytes: number, messageChars: number, rows: CapacityRow[] }} capacity
 * @property {{ budgetBytes: number, rows: ClientRow[] }} client
 * @property {{ node: string, platform: string, cpu: string, cores: number, date: string, quick: boolean,
 *   versions: Record<string, string> }} environment
 */

/**
 * Runs the micro benchmarks: about 16 s by default on two cores, about 4 s with `quick`.
 *
 * @param {{ quick?: boolean }} [options]
 * @returns {Promise<MicroResult>} a plain, JSON-serialisable object
 * @example
 * const result = await runMicro({ quick: true });
 * console.log(microMarkdown(result));
 */
export async function runMicro(options = { quick: false }) {
  const quick = Boolean(options?.quick);
  const environment = describeEnvironment(quick);
  const codec = await measureCodec(quick);
  const wire = await measureWire();
  const capacity = await measureCapacity();
  const client = await measureClient();
  return { codec, wire, capacity, client, environment };
}

// ---------------------------------------------------------------------------------------------
// codec

/** connect-flash and the two routes the wire and capacity measurements use, on an Express `app`. */
function connectFlashRoutes(app) {
  app.use(connectFlash());
  app.get("/flash", (req, res) => {
    for (const message of requestedMessages(queryOf(req))) req.flash(MICRO_CATEGORY, message);
    res.send("ok");
  });
  app.get("/read", (req, res) => {
    res.json(req.flash(MICRO_CATEGORY));
  });
}

/** The three libraries' codecs as plain functions, checked once before they are timed. */
async function codecSubjects() {
  // flashkit: the cookie store's public API, as the jar calls it (src/core/jar.ts).
  const store = cookieStore({ secret: SECRET });
  const flash = createFlash({ store });
  const minted = [];
  const first = flash.open({ cookieHeader: undefined, appendSetCookie: (h) => minted.push(h) });
  first.flash(MICRO_MESSAGE, MICRO_CATEGORY);
  first.commit();
  const cookieName = minted[0].slice(0, minted[0].indexOf("="));
  const id = cookieName.slice("flash.".length);
  const noRemove = Object.freeze([]);
  const flashkitEncode = () => {
    const out = [];
    // the json is made at flash() time (jar.ts); a request pays it, so it is timed here
    const entry = { id, category: MICRO_CATEGORY, message: MICRO_MESSAGE, json: "" };
    entry.json = JSON.stringify([MICRO_CATEGORY, MICRO_MESSAGE]);
    store.commit({ cookieHeader: undefined, appendSetCookie: (h) => out.push(h) }, { remove: noRemove, add: [entry] });
    return out;
  };
  const flashkitDecode = (cookieHeader) => {
    const loaded = store.load({ cookieHeader, appendSetCookie() {} });
    return loaded[0]?.message;
  };
  const flashkitJar = () => flashkitRequestPath(flash, MICRO_MESSAGE, MICRO_CATEGORY);
  const signer = createSigner([SECRET]);
  const primitive = () => {
    const payload = encodeBase64Url(JSON.stringify([MICRO_CATEGORY, MICRO_MESSAGE]));
    const mac = signer.sign(`${cookieName}=${payload}`);
    if (!signer.verify(`${cookieName}=${payload}`, mac)) throw new Error("primitive verify failed");
    return JSON.parse(decodeBase64Url(payload))[1];
  };

  // cookie-session 2: a new Cookies (with a new Keygrip) per request, its private encode()/decode()
  // (base64 of JSON, two lines, reproduced), cookies.set/get with { signed: true } (HMAC-SHA1).
  const keys = [SECRET];
  const sessionOptions = Object.create({ name: "session", keys, overwrite: true, httpOnly: true, signed: true });
  const fakeRequest = { headers: {}, socket: {} };
  const cookieSessionEncode = () => {
    let headers;
    const response = { getHeader: () => headers, setHeader: (_name, value) => (headers = value) };
    const cookies = new Cookies(fakeRequest, response, { keys });
    const body = { flash: { [MICRO_CATEGORY]: [MICRO_MESSAGE] } };
    cookies.set("session", Buffer.from(JSON.stringify(body)).toString("base64"), sessionOptions);
    return headers;
  };
  const nullResponse = { getHeader() {}, setHeader() {} };
  const cookieSessionDecode = (cookieHeader) => {
    const cookies = new Cookies({ headers: { cookie: cookieHeader }, socket: {} }, nullResponse, { keys });
    const value = cookies.get("session", sessionOptions);
    return JSON.parse(Buffer.from(value, "base64").toString("utf8")).flash[MICRO_CATEGORY][0];
  };

  // @fastify/secure-session 8: the functions it decorates the instance with (the ones its hooks
  // call), plus @fastify/cookie's serialize/parse, with the options its onSend hook passes.
  const fastify = Fastify({ logger: false });
  await fastify.register(fastifySecureSession, { key: SODIUM_KEY, cookie: { path: "/" } });
  await fastify.ready();
  const secureCookieOptions = { path: "/", httpOnly: true, sameSite: "lax" };
  const secureEncode = () => {
    const session = fastify.createSecureSession({});
    session.set("flash", { [MICRO_CATEGORY]: [MICRO_MESSAGE] });
    return [fastify.serializeCookie("session", fastify.encodeSecureSession(session), secureCookieOptions)];
  };
  const secureDecode = (cookieHeader) => {
    const session = fastify.decodeSecureSession(fastify.parseCookie(cookieHeader).session);
    return session.get("flash")[MICRO_CATEGORY][0];
  };

  const cookies = {
    flashkit: toCookieHeader(flashkitEncode()),
    cookieSession: toCookieHeader(cookieSessionEncode()),
    secure: toCookieHeader(secureEncode()),
  };
  const subjects = [
    {
      id: "flashkit-store-roundtrip",
      library: "flashkit cookie store",
      operation: "round trip",
      path: "store.commit() of one entry (JSON, base64url, HMAC-SHA256, Set-Cookie), then store.load() of its Cookie header (parse, verify, decode)",
      fn: () => flashkitDecode(toCookieHeader(flashkitEncode())),
    },
    {
      id: "cookie-session-roundtrip",
      library: "cookie-session",
      operation: "round trip",
      path: "encode() + cookies.set({ signed }) (base64 JSON, Keygrip HMAC-SHA1, 2 Set-Cookie), then cookies.get({ signed }) + decode()",
      fn: () => cookieSessionDecode(toCookieHeader(cookieSessionEncode())),
    },
    {
      id: "secure-session-roundtrip",
      library: "@fastify/secure-session",
      operation: "round trip",
      path: "encodeSecureSession() (JSON, secretbox, base64) + serializeCookie(), then parseCookie() + decodeSecureSession()",
      fn: () => secureDecode(toCookieHeader(secureEncode())),
    },
    {
      id: "flashkit-store-encode",
      library: "flashkit cookie store",
      operation: "encode + sign",
      path: "store.commit() of one entry, JSON.stringify included",
      fn: () => flashkitEncode()[0],
    },
    {
      id: "cookie-session-encode",
      library: "cookie-session",
      operation: "encode + sign",
      path: "encode() + cookies.set({ signed })",
      fn: () => cookieSessionEncode()[0],
    },
    {
      id: "secure-session-encode",
      library: "@fastify/secure-session",
      operation: "encode + sign",
      path: "createSecureSession() + set() + encodeSecureSession() + serializeCookie()",
      fn: () => secureEncode()[0],
    },
    {
      id: "flashkit-store-decode",
      library: "flashkit cookie store",
      operation: "verify + decode",
      path: "store.load() of the Cookie header",
      fn: () => flashkitDecode(cookies.flashkit),
    },
    {
      id: "cookie-session-decode",
      library: "cookie-session",
      operation: "verify + decode",
      path: "cookies.get({ signed }) + decode()",
      fn: () => cookieSessionDecode(cookies.cookieSession),
    },
    {
      id: "secure-session-decode",
      library: "@fastify/secure-session",
      operation: "verify + decode",
      path: "parseCookie() + decodeSecureSession() + get()",
      fn: () => secureDecode(cookies.secure),
    },
    {
      id: "flashkit-primitive-roundtrip",
      library: "flashkit primitives",
      operation: "round trip",
      path: "JSON + base64url + HMAC-SHA256 sign, verify + base64url + JSON.parse: no cookie header, no store",
      fn: primitive,
    },
    {
      id: "flashkit-jar-roundtrip",
      library: "flashkit request path",
      operation: "round trip",
      path: "jar.flash() + commit(), then a new jar's load() + getFlashedMessages() + commit() (the expiring Set-Cookie)",
      fn: flashkitJar,
    },
  ];
  // Every task must do its work before it is timed: a decode returns the message, an encode a
  // Set-Cookie header carrying a signature.
  for (const subject of subjects) {
    const got = subject.fn();
    const ok =
      subject.operation === "encode + sign" ? typeof got === "string" && got.length > 40 : got === MICRO_MESSAGE;
    if (!ok) throw new Error(`bench/micro: ${subject.id} returned ${JSON.stringify(got)}`);
  }
  return { subjects, close: () => fastify.close() };
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

/** @param {boolean} quick */
async function measureCodec(quick) {
  const timeMs = quick ? 150 : 1000;
  const warmupMs = quick ? 50 : 200;
  const rounds = quick ? 1 : 4;
  const { subjects, close } = await codecSubjects();
  /** @type {Map<string, { samples: number[][], roundMeans: number[] }>} */
  const pooled = new Map(subjects.map((subject) => [subject.id, { samples: [], roundMeans: [] }]));
  // Results land in a sink read after the run, so the engine cannot drop the work.
  let sink = 0;
  try {
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
          throw new Error(`bench/micro: task ${subject.id} ended ${result?.state ?? "missing"}`);
        }
        const entry = /** @type {{ samples: number[][], roundMeans: number[] }} */ (pooled.get(subject.id));
        entry.samples.push(Array.from(result.latency.samples ?? []));
        entry.roundMeans.push(round(result.latency.mean * 1000, 3));
      }
    }
  } finally {
    await close();
  }
  if (sink === 0) throw new Error("bench/micro: the codec tasks produced nothing");

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

// ---------------------------------------------------------------------------------------------
// wire and capacity: real apps on 127.0.0.1

/**
 * The messages a `/flash` request asks for: `?kind=one` is the issue's message, `?n=N` the first N
 * 40-character messages.
 * @param {URLSearchParams} query
 */
function requestedMessages(query) {
  if (query.get("kind") === "one") return [MICRO_MESSAGE];
  const count = Math.min(Number(query.get("n") ?? "1"), CAPACITY_CEILING);
  return Array.from({ length: count }, (_, index) => longMessage(index));
}

/** @param {import("node:http").IncomingMessage} req */
const queryOf = (req) => new URL(req.url ?? "/", "http://127.0.0.1").searchParams;

/**
 * @typedef {object} Peer
 * @property {string} key
 * @property {string} library
 * @property {boolean} cookieBased whether the messages themselves travel in cookies
 * @property {boolean} [hasLogin] whether the app serves `/login` (puts a user in the session) and `/who`
 * @property {string} note
 * @property {() => Promise<{ port: number, close: () => Promise<void>, takeDrop: () => ({ count: number, reason: string } | undefined), takeLogged: () => number }>} start
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

/** Listens on 127.0.0.1 with a free port. */
async function listenExpress(app) {
  const server = createServer(app);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}

/** An express-session store in a Map: the cookie, all that is measured, does not depend on it. */
class MapSessionStore extends expressSession.Store {
  /** @type {Map<string, string>} */
  #sessions = new Map();
  get(sid, callback) {
    const stored = this.#sessions.get(sid);
    callback(null, stored === undefined ? null : JSON.parse(stored));
  }
  set(sid, session, callback) {
    this.#sessions.set(sid, JSON.stringify(session));
    callback?.(null);
  }
  destroy(sid, callback) {
    this.#sessions.delete(sid);
    callback?.(null);
  }
}

/** @returns {Peer[]} */
function peers() {
  const flashkit = {
    key: "flashkit",
    library: "flashkit cookie store (Express)",
    cookieBased: true,
    note: "one signed cookie per message",
    async start() {
      let drop;
      const app = express();
      app.use(
        flashkitExpress({
          secret: SECRET,
          onDrop: (dropped, reason) => {
            drop = { count: dropped.length, reason };
          },
        }),
      );
      app.get("/flash", (req, res) => {
        for (const message of requestedMessages(queryOf(req))) req.flash(message, MICRO_CATEGORY);
        res.send("ok");
      });
      app.get("/read", (req, res) => {
        res.json(req.getFlashedMessages());
      });
      const server = await listenExpress(app);
      return {
        ...server,
        takeDrop: () => {
          const value = drop;
          drop = undefined;
          return value;
        },
        takeLogged: () => 0,
      };
    },
  };
  const cookieSessionPeer = {
    key: "cookie-session",
    library: "cookie-session + connect-flash (Express)",
    cookieBased: true,
    hasLogin: true,
    note: "the whole session in one cookie, signed in a second (.sig) cookie",
    async start() {
      const app = express();
      app.use(cookieSession({ name: "session", keys: [SECRET] }));
      connectFlashRoutes(app);
      app.get("/login", (req, res) => {
        /** @type {Record<string, unknown>} */ (req.session).user = "ada";
        res.send("ok");
      });
      app.get("/who", (req, res) => {
        res.json({ user: req.session?.user ?? null });
      });
      return { ...(await listenExpress(app)), takeDrop: () => undefined, takeLogged: () => 0 };
    },
  };
  const secureSessionPeer = {
    key: "secure-session",
    library: "@fastify/secure-session + @fastify/flash (Fastify)",
    cookieBased: true,
    hasLogin: true,
    note:
      "the whole session encrypted (secretbox) in one cookie; its base64 is percent-encoded, so the size " +
      "varies by a few bytes with the random nonce and ciphertext",
    async start() {
      let logged = 0;
      const stream = {
        write() {
          logged++;
        },
      };
      const app = Fastify({ logger: { level: "warn", stream } });
      await app.register(fastifySecureSession, { key: SODIUM_KEY, cookie: { path: "/" } });
      await app.register(fastifyFlash);
      app.get("/flash", async (request) => {
        for (const message of requestedMessages(queryOf(request.raw))) request.flash(MICRO_CATEGORY, message);
        return "ok";
      });
      app.get("/read", async (_request, reply) => reply.flash(MICRO_CATEGORY));
      app.get("/login", async (request) => {
        request.session.set("user", "ada");
        return "ok";
      });
      app.get("/who", async (request) => ({ user: request.session.get("user") ?? null }));
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address();
      return {
        port: typeof address === "object" && address ? address.port : 0,
        close: () => app.close(),
        takeDrop: () => undefined,
        takeLogged: () => {
          const value = logged;
          logged = 0;
          return value;
        },
      };
    },
  };
  const expressSessionPeer = {
    key: "express-session",
    library: "express-session + connect-flash (Express, in-memory store)",
    cookieBased: false,
    note:
      "the cookie is a signed session id, the same size whatever is flashed (a few bytes vary with " +
      "percent-encoding); the messages stay on the server",
    async start() {
      const app = express();
      app.use(
        expressSession({
          secret: SECRET,
          resave: false,
          saveUninitialized: false,
          // a Map, as MemoryStore keeps it, without MemoryStore's warning when NODE_ENV is production
          store: new MapSessionStore(),
        }),
      );
      connectFlashRoutes(app);
      return { ...(await listenExpress(app)), takeDrop: () => undefined, takeLogged: () => 0 };
    },
  };
  return [flashkit, cookieSessionPeer, secureSessionPeer, expressSessionPeer];
}

/**
 * One GET on 127.0.0.1, without connection reuse, returning the raw Set-Cookie field values.
 * @param {number} port
 * @param {string} path
 * @param {string} [cookie]
 * @returns {Promise<{ status: number, setCookies: string[], body: string }>}
 */
function get(port, path, cookie) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, agent: false, headers: cookie ? { cookie } : {} },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
          const setCookies = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i].toLowerCase() === "set-cookie") setCookies.push(res.rawHeaders[i + 1]);
          }
          resolve({ status: res.statusCode ?? 0, setCookies, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`bench/micro: GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Stores one response's Set-Cookie headers in a browser-like jar (name to `name=value`): a deleting
 * header (`Max-Age=0` or an `Expires` in the past) removes the cookie, and, as browsers do (RFC
 * 6265bis section 5.7), a cookie whose `name=value` passes 4096 bytes is ignored, leaving any
 * earlier cookie of that name in place.
 * @param {Map<string, string>} jar
 * @param {string[]} setCookies
 * @returns {Map<string, string>} the jar
 */
function keepCookies(jar, setCookies) {
  for (const line of setCookies) {
    const [pair = "", ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    const deleting = attributes.some((attribute) => {
      const [key = "", value = ""] = attribute.trim().split("=");
      if (key.toLowerCase() === "max-age") return Number(value) <= 0;
      if (key.toLowerCase() === "expires") return Date.parse(value) <= Date.now();
      return false;
    });
    if (deleting) jar.delete(name);
    else if (bytes(pair.trim()) <= COOKIE_LIMIT_BYTES) jar.set(name, pair.trim());
  }
  return jar;
}

/**
 * The `Cookie` header a browser that had no cookie sends after one response.
 * @param {string[]} setCookies
 */
const browserKeeps = (setCookies) => [...keepCookies(new Map(), setCookies).values()].join("; ");

/** @param {string} text */
const bytes = (text) => Buffer.byteLength(text, "utf8");

/** The largest `name=value` of a response's Set-Cookie headers. */
function largestCookie(setCookies) {
  let largest = 0;
  for (const line of setCookies) {
    const end = line.indexOf(";");
    largest = Math.max(largest, bytes(end === -1 ? line : line.slice(0, end)));
  }
  return largest;
}

/**
 * Flashes through a real request, then reads back with what the browser kept.
 * @param {Awaited<ReturnType<Peer["start"]>>} app
 * @param {string} query
 */
async function flashAndRead(app, query) {
  const flashed = await get(app.port, `/flash?${query}`);
  if (flashed.status !== 200) throw new Error(`bench/micro: /flash?${query} answered ${flashed.status}`);
  const dropped = app.takeDrop();
  const cookie = browserKeeps(flashed.setCookies);
  const read = await get(app.port, "/read", cookie || undefined);
  if (read.status !== 200) throw new Error(`bench/micro: /read answered ${read.status}`);
  return { flashed, cookie, read, readBack: /** @type {unknown[]} */ (JSON.parse(read.body)), dropped };
}

async function measureWire() {
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
          throw new Error(`bench/micro: ${peer.key} read back ${JSON.stringify(readBack)} for ${wireCase.name}`);
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

async function measureCapacity() {
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
    const counter = consoleCounter();
    try {
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
      // The same request from a signed-in client: does the session it held survive?
      let sessionKept;
      if (peer.hasLogin) {
        const jar = keepCookies(new Map(), (await get(app.port, "/login")).setCookies);
        const flashed = await get(app.port, `/flash?n=${fit + 1}`, [...jar.values()].join("; "));
        keepCookies(jar, flashed.setCookies);
        const who = await get(app.port, "/who", [...jar.values()].join("; "));
        sessionKept = JSON.parse(who.body).user === "ada";
        counter.take();
        app.takeLogged();
      }
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
        row.note =
          `at ${fit + 1} messages the cookie is ${row.pastLimit.largestCookieBytes} bytes; the server answers ` +
          `${over.flashed.status}, throws nothing and logs ${logged === 0 ? "nothing" : `${logged} line(s)`}; ` +
          `a browser ignores the oversized cookie, so the next request reads ${over.readBack.length} ` +
          `of the ${fit + 1} messages, and the rest of that session update is lost with them` +
          (sessionKept === false
            ? "; a signed-in client is signed out: the browser keeps its old session cookie but takes the " +
              "new, small session.sig, which no longer matches it."
            : sessionKept === true
              ? "; a signed-in client keeps its earlier session."
              : ".") +
          (peer.key === "secure-session"
            ? " The cookie's size varies by a few bytes per response (random nonce, percent-encoded base64), " +
              "so this count can differ by one between runs."
            : "");
      }
      rows.push(row);
    } finally {
      await app.close();
    }
  }
  return { limitBytes: COOKIE_LIMIT_BYTES, messageChars: LONG_MESSAGE_CHARS, rows };
}

// ---------------------------------------------------------------------------------------------
// client scripts and environment

async function measureClient() {
  /** @type {ClientRow[]} */
  const rows = [];
  for (const script of clientScripts()) {
    const code = await bundleClient(script);
    rows.push({
      file: script.file,
      format: script.format,
      themes: script.themes,
      minBytes: bytes(code),
      gzipBytes: gzipSync(code, { level: 9 }).length,
    });
  }
  return { budgetBytes: CLIENT_BUDGET_BYTES, rows };
}

/** @param {string} file */
function versionAt(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8")).version ?? "?";
  } catch {
    return "?";
  }
}

/** @param {boolean} quick */
function describeEnvironment(quick) {
  const inModules = (name) => versionAt(join(ROOT, "node_modules", name, "package.json"));
  const cookiesDir = dirname(requireFromCookieSession.resolve("cookies"));
  const keygripDir = dirname(createRequire(join(cookiesDir, "index.js")).resolve("keygrip"));
  const names = [
    "tinybench",
    "express",
    "fastify",
    "cookie-session",
    "connect-flash",
    "express-session",
    "@fastify/secure-session",
    "@fastify/flash",
    "@fastify/cookie",
  ];
  /** @type {Record<string, string>} */
  const versions = { flashkit: versionAt(join(ROOT, "package.json")) };
  for (const name of names) versions[name] = inModules(name);
  versions.cookies = versionAt(join(cookiesDir, "package.json"));
  versions.keygrip = versionAt(join(keygripDir, "package.json"));
  const cpuList = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpuList[0]?.model?.trim() ?? "unknown",
    cores: cpuList.length,
    date: new Date().toISOString(),
    quick,
    versions,
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** @param {number} value @param {number} digits */
function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** @param {number} micros */
const us = (micros) => (micros < 10 ? micros.toFixed(2) : micros.toFixed(1));

/** @param {string} text */
const cell = (text) => String(text).replace(/\|/g, "\\|");

/**
 * @param {string[]} header
 * @param {Array<Array<string | number>>} rows
 */
function table(header, rows) {
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const row of rows) lines.push(`| ${row.map((value) => cell(String(value))).join(" | ")} |`);
  return lines.join("\n");
}

/**
 * Renders a {@link runMicro} result as Markdown: one `###` section per part, each with a table.
 *
 * @param {MicroResult} result
 * @returns {string}
 * @example
 * await writeFile("bench/results.md", microMarkdown(await runMicro()));
 */
export function microMarkdown(result) {
  const { codec, wire, capacity, client, environment } = result;
  const parts = [];

  const verdict = codec.target.met ? "**met**" : "**not met**";
  parts.push(
    "### Codec: sign + encode + verify + decode of one message",
    "",
    `One message, "${wire.message}" (category \`${wire.category}\`). Target (issue 6): the flashkit cookie ` +
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
    `tinybench ${environment.versions.tinybench}, ${codec.settings.timeMs} ms per task after ` +
      `${codec.settings.warmupMs} ms of warm-up, ${codec.settings.timestampProvider} timer ` +
      `(one timer read, about ${codec.settings.timerOverheadNs} ns); ${codec.settings.order}. ` +
      "A mean far above its median means pauses (GC, other processes) hit some calls. " +
      '"flashkit cookie store" goes through the public `cookieStore()` ' +
      '`commit()`/`load()`, which is what a request pays; "flashkit primitives" is the bare HMAC and ' +
      'base64url under it; "flashkit request path" adds the jar (`flash()`, id, limits) on both requests. ' +
      "cookie-session's encode()/decode() are private: their two lines are reproduced, the signing and " +
      "cookie code is the real `cookies`/`keygrip`.",
  );

  parts.push(
    "",
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
  );

  parts.push(
    "",
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
  );

  const over = client.rows.filter((row) => row.gzipBytes > client.budgetBytes).length;
  parts.push(
    "",
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
  );

  parts.push(
    "",
    "### Environment",
    "",
    table(
      ["Node", "Platform", "CPU", "Cores", "Date", "Mode"],
      [
        [
          environment.node,
          environment.platform,
          environment.cpu,
          environment.cores,
          environment.date,
          environment.quick ? "quick" : "full",
        ],
      ],
    ),
    "",
    `Versions: ${Object.entries(environment.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}.`,
  );
  return `${parts.join("\n")}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runMicro({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${microMarkdown(result)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
