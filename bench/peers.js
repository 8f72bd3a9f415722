/**
 * The peer apps of the micro half of `npm run bench` and the browser-like requests made to them:
 * flashkit's cookie store, cookie-session + connect-flash, @fastify/secure-session + @fastify/flash
 * and express-session + connect-flash, each on 127.0.0.1 with the same two routes (`GET /flash`
 * flashes the messages its query asks for, `GET /read` answers them as JSON), plus `/login` and
 * `/who` where a session holds a user. Measures nothing itself: bench/wire.js and
 * bench/capacity.js measure through it.
 */
import { createServer, request as httpRequest } from "node:http";
import fastifyFlash from "@fastify/flash";
import fastifySecureSession from "@fastify/secure-session";
import connectFlash from "connect-flash";
import cookieSession from "cookie-session";
import express from "express";
import expressSession from "express-session";
import Fastify from "fastify";
import { flash as flashkitExpress } from "flashkit/express";
import { createCookieJar } from "../dist/testing/cookie-jar.js";
import { BENCH_MESSAGE, BENCH_SECRET } from "./apps.js";

/** The message of issue 6's figures. */
export const MICRO_MESSAGE = BENCH_MESSAGE;
/** Its category. */
export const MICRO_CATEGORY = "success";
/** The most bytes of `name=value` a browser keeps in one cookie (RFC 6265 section 6.1). */
export const COOKIE_LIMIT_BYTES = 4096;
/** The length of the messages of the capacity test and of the second wire case. */
export const LONG_MESSAGE_CHARS = 40;
/** Requests of the capacity search never flash more than this many messages. */
export const CAPACITY_CEILING = 1024;
/** A fixed libsodium secretbox key for @fastify/secure-session: exactly 32 bytes. */
export const SODIUM_KEY = Buffer.from("flashkit-bench-secure-session-32", "utf8");

const FILLER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

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
 * The messages a `/flash` request asks for: `?kind=one` is the message, `?n=N` the first N
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
 * @property {() => Promise<PeerApp>} start
 */

/**
 * @typedef {object} PeerApp
 * @property {number} port
 * @property {() => Promise<void>} close
 * @property {() => ({ count: number, reason: string } | undefined)} takeDrop what flashkit dropped since the last call
 * @property {() => number} takeLogged lines logged at warn and up since the last call
 */

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

/** @type {Peer} */
const flashkitPeer = {
  key: "flashkit",
  library: "flashkit cookie store (Express)",
  cookieBased: true,
  note: "one signed cookie per message",
  async start() {
    let drop;
    const app = express();
    app.use(
      flashkitExpress({
        secret: BENCH_SECRET,
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
/** @type {Peer} */
const cookieSessionPeer = {
  key: "cookie-session",
  library: "cookie-session + connect-flash (Express)",
  cookieBased: true,
  hasLogin: true,
  note: "the whole session in one cookie, signed in a second (.sig) cookie",
  async start() {
    const app = express();
    app.use(cookieSession({ name: "session", keys: [BENCH_SECRET] }));
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
/** @type {Peer} */
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
/** @type {Peer} */
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
        secret: BENCH_SECRET,
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

/**
 * The peer apps, in table order.
 * @returns {Peer[]}
 */
export function peers() {
  return [flashkitPeer, cookieSessionPeer, secureSessionPeer, expressSessionPeer];
}

/**
 * One GET on 127.0.0.1, without connection reuse, returning the raw Set-Cookie field values.
 * @param {number} port
 * @param {string} path
 * @param {string} [cookie]
 * @returns {Promise<{ status: number, setCookies: string[], body: string }>}
 */
export function get(port, path, cookie) {
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
    req.setTimeout(10_000, () => req.destroy(new Error(`bench/peers: GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * The `Cookie` header a browser that had no cookie sends after one response: flashkit/testing's
 * cookie jar, which ignores a cookie whose `name=value` passes 4096 bytes, as browsers do.
 * @param {string[]} setCookies
 */
export function browserKeeps(setCookies) {
  const jar = createCookieJar();
  jar.apply(setCookies);
  return jar.header();
}

/** @param {string} text */
export const bytes = (text) => Buffer.byteLength(text, "utf8");

/** The largest `name=value` of a response's Set-Cookie headers. */
export function largestCookie(setCookies) {
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
export async function flashAndRead(app, query) {
  const flashed = await get(app.port, `/flash?${query}`);
  if (flashed.status !== 200) throw new Error(`bench/peers: /flash?${query} answered ${flashed.status}`);
  const dropped = app.takeDrop();
  const cookie = browserKeeps(flashed.setCookies);
  const read = await get(app.port, "/read", cookie || undefined);
  if (read.status !== 200) throw new Error(`bench/peers: /read answered ${read.status}`);
  return { flashed, cookie, read, readBack: /** @type {unknown[]} */ (JSON.parse(read.body)), dropped };
}
