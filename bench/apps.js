/**
 * The apps `npm run bench` measures: one ~1 KB page on Express 5, Fastify 5, Koa 3 and Hono 4, bare
 * and with each flash library, all serving the same three routes with the same page markup:
 *
 * - `GET /`: the quiet page; it asks for flashed messages, and there are none;
 * - `POST /update_profile`: flashes "Profile updated successfully!" (category `success`) and
 *   redirects (302) to `/profile`;
 * - `GET /profile`: the page with the messages read.
 *
 * The bare apps skip the flash library: their quiet page asks nothing, and their flash cycle carries
 * the message in one plain, unsigned cookie (set by the POST, read and cleared by the GET), the least
 * any flash library has to do. The flashkit apps are the test apps of src/testing/apps (one per
 * framework, the conformance, no-loss and browser tests' own) with flashkit mounted app-wide and
 * these three routes as native routes, written as the bare app's: the test apps' table routes parse
 * the URL and wrap the flash API on every request, work a real app's route does not do.
 */
import { createRequire } from "node:module";
import { createSigner, decodeBase64Url, encodeBase64Url } from "../dist/core/signing-node.js";
import { startServer } from "../dist/testing/server.js";

/** The message every flash cycle flashes and every profile page must show. */
export const BENCH_MESSAGE = "Profile updated successfully!";

/** A test secret for every signing library, at least 32 bytes. */
export const BENCH_SECRET = "flashkit-bench-secret-0123456789-0123456789";

/**
 * The frameworks and, for each, the rows measured on it, in table order. `bare-again` is a second
 * process of the bare app: measured like any row against the bare one, its ratio shows how far
 * apart two identical apps land on this machine (the noise floor of every ratio).
 * `empty-middleware` is the bare app with one middleware that does nothing, hooked where flashkit
 * hooks (Fastify: an empty `onRequest` and an empty `onSend` hook): what any middleware costs the
 * framework before it does any work (the floor under every flash library's ratio). `signed-cookie`
 * is the bare cycle with its cookie signed as flashkit signs it: what signing alone costs.
 */
export const BENCH_ROWS = {
  express: [...rowsOfEveryFramework(), "express-session", "cookie-session"],
  fastify: [...rowsOfEveryFramework(), "secure-session"],
  koa: rowsOfEveryFramework(),
  hono: rowsOfEveryFramework(),
};

/** The rows every framework has: the bare app, the controls, flashkit on each store. */
function rowsOfEveryFramework() {
  return [
    "bare",
    "bare-again",
    "empty-middleware",
    "signed-cookie",
    "flashkit-cookie",
    "flashkit-memory",
    "flashkit-redis",
  ];
}

/**
 * The work the `signed-cookie-plus-*` analysis rows add to every flash (the POST of each cycle), by
 * row: a fixed amount of arithmetic that allocates nothing, a fixed amount of short-lived objects,
 * and flashkit's request path for one more message (the micro benchmark's "flashkit request path": a
 * jar flashes and commits, a second jar loads the cookie, reads and commits, on requests of their
 * own). bench/amplification.js times each in a loop and inside a loaded server.
 */
export const EXTRA_WORK_ROWS = {
  "signed-cookie-plus-compute": "compute",
  "signed-cookie-plus-allocation": "allocation",
  "signed-cookie-plus-flashkit-path": "flashkit-path",
};

/**
 * Rows measured only when `--rows` names them: the signed-cookie control with one empty middleware,
 * and with flashkit's middleware installed but not used (the route signs its cookie by hand). Beside
 * `signed-cookie` and `flashkit-cookie` they split a flash cycle's cost into signing, a middleware,
 * flashkit's middleware doing nothing, and flashkit's flash, read and commit. The
 * `signed-cookie-plus-*` rows of {@link EXTRA_WORK_ROWS} add a known amount of work to the control.
 */
export const ANALYSIS_ROWS = [
  "signed-cookie-empty-middleware",
  "signed-cookie-flashkit-unused",
  ...Object.keys(EXTRA_WORK_ROWS),
];

/** The workloads of a row that is not measured on every one (its quiet page is the bare app's). */
export const ROW_WORKLOADS = Object.fromEntries(["signed-cookie", ...ANALYSIS_ROWS].map((row) => [row, ["cycle"]]));

/**
 * Iterations of the `compute` extra work: a few microseconds of arithmetic, small beside a request yet
 * large enough to time (`npm run bench:amplification` times it in a loop and in a loaded server).
 */
const COMPUTE_STEPS = 3000;
/** Objects of the `allocation` extra work: sized to cost about what `compute` costs, in short-lived objects. */
const ALLOCATED_OBJECTS = 500;

/**
 * The extra work of one `signed-cookie-plus-*` row (see {@link EXTRA_WORK_ROWS}) as a function that
 * returns a value proving it did its work: a number for `compute` and `allocation`, the message read
 * back for `flashkit-path`.
 * @param {"compute" | "allocation" | "flashkit-path"} kind
 * @returns {Promise<() => unknown>}
 */
export async function extraWork(kind) {
  if (kind === "compute") {
    return () => {
      // xorshift32: integer arithmetic the optimiser cannot fold away.
      let x = 2463534242 | 0;
      for (let i = 0; i < COMPUTE_STEPS; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
      }
      return x;
    };
  }
  if (kind === "allocation") {
    return () => {
      // A linked list of small objects, each with a two-slot array: garbage of a request's shape.
      let list;
      for (let i = 0; i < ALLOCATED_OBJECTS; i++) list = { index: i, pair: [i, list], next: list };
      let length = 0;
      for (let node = list; node; node = node.next) length++;
      return length;
    };
  }
  if (kind === "flashkit-path") {
    const { cookieStore, createFlash } = await import("flashkit");
    const flash = createFlash({ store: cookieStore({ secret: BENCH_SECRET }) });
    return () => flashkitRequestPath(flash, BENCH_MESSAGE, "success");
  }
  throw new Error(`no extra work ${kind}`);
}

/**
 * flashkit's request path for one message, on requests of its own: a jar flashes and commits, a
 * second jar loads the cookies the first set, reads and commits (which expires them). Returns the
 * message read back. The micro benchmark's "flashkit request path" and the `flashkit-path` extra work.
 * @param {{ open(request: object): any }} flash a `createFlash()` instance with the cookie store
 * @param {unknown} message
 * @param {string} category
 */
export function flashkitRequestPath(flash, message, category) {
  const written = [];
  const writing = flash.open({ cookieHeader: undefined, appendSetCookie: (header) => written.push(header) });
  writing.flash(message, category);
  writing.commit();
  const reading = flash.open({
    cookieHeader: toCookieHeader(written),
    appendSetCookie: (header) => written.push(header),
  });
  reading.load();
  const [read] = reading.getFlashedMessages();
  reading.commit();
  return read;
}

/** The Set-Cookie headers of one response as the `Cookie` header a browser sends back. */
export function toCookieHeader(setCookies) {
  let header = "";
  for (const line of setCookies) {
    const end = line.indexOf(";");
    header += (header ? "; " : "") + (end === -1 ? line : line.slice(0, end));
  }
  return header;
}

/** What each row is, for the tables. */
export const ROW_LABELS = {
  bare: "bare framework",
  "bare-again": "bare framework again (control)",
  "empty-middleware": "bare framework + one empty middleware (control)",
  "signed-cookie": "bare framework, its cookie signed as flashkit signs (control)",
  "signed-cookie-empty-middleware": "bare framework, its cookie signed, + one empty middleware (analysis)",
  "signed-cookie-flashkit-unused": "bare framework, its cookie signed, + flashkit's middleware, unused (analysis)",
  "signed-cookie-plus-compute": "bare framework, its cookie signed, + arithmetic on each flash (analysis)",
  "signed-cookie-plus-allocation": "bare framework, its cookie signed, + short-lived objects on each flash (analysis)",
  "signed-cookie-plus-flashkit-path":
    "bare framework, its cookie signed, + flashkit's request path on each flash (analysis)",
  "flashkit-cookie": "flashkit, cookie store",
  "flashkit-memory": "flashkit, memory store",
  "flashkit-redis": "flashkit, Redis store (ioredis)",
  "express-session": "express-session + connect-flash",
  "cookie-session": "cookie-session + connect-flash",
  "secure-session": "@fastify/secure-session + @fastify/flash",
};

const require = createRequire(import.meta.url);
const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

const HEAD =
  '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
  '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>Your profile</title>\n' +
  '<link rel="stylesheet" href="/static/site.css">\n</head>\n<body>\n' +
  '<nav class="navbar"><a class="brand" href="/">Example</a> <a href="/profile">Profile</a> ' +
  '<a href="/settings">Settings</a> <a href="/logout">Log out</a></nav>\n<main class="container">\n';
const BODY =
  "<h1>Your profile</h1>\n" +
  '<form method="post" action="/update_profile">\n' +
  '<label for="name">Name</label> <input id="name" name="name" value="Ada Lovelace">\n' +
  '<label for="email">Email</label> <input id="email" name="email" type="email" value="ada@example.com">\n' +
  '<label for="bio">About you</label>\n<textarea id="bio" name="bio" rows="4">Mathematician and writer, ' +
  "known for her work on the Analytical Engine; the first to see that the machine could do more than " +
  "calculate, and to publish an algorithm meant for it.</textarea>\n" +
  '<button type="submit" class="btn btn-primary">Save</button>\n</form>\n</main>\n' +
  '<footer><p>&copy; 2026 Example Ltd. <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p></footer>\n' +
  "</body>\n</html>\n";

/**
 * The page, with `messages` (`[category, message]` pairs) as Bootstrap alerts above the form.
 * @param {ReadonlyArray<readonly [string, string]>} messages
 */
export function renderPage(messages) {
  let alerts = "";
  for (const [category, message] of messages) {
    alerts += `<div class="alert alert-${escapeHtml(category)}" role="alert">${escapeHtml(message)}</div>\n`;
  }
  return HEAD + alerts + BODY;
}

/** connect-flash's and @fastify/flash's `{ category: [messages] }` as `[category, message]` pairs. */
function pairsOf(byCategory) {
  const pairs = [];
  for (const category of Object.keys(byCategory))
    for (const message of byCategory[category]) pairs.push([category, message]);
  return pairs;
}

const BARE_COOKIE = "flash";
const BARE_SET = `${BARE_COOKIE}=${encodeURIComponent(BENCH_MESSAGE)}; Path=/; HttpOnly; SameSite=Lax`;
const BARE_CLEAR = `${BARE_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;

/** The bare cycle's cookie: one plain, unsigned cookie carrying the message. */
const PLAIN_COOKIE = {
  setHeader: () => BARE_SET,
  /** The message in the `Cookie` header, or none. */
  messages(cookieHeader) {
    const match = /(?:^|;\s*)flash=([^;]*)/.exec(cookieHeader ?? "");
    return match ? [["success", decodeURIComponent(match[1])]] : [];
  },
};

const signer = createSigner([BENCH_SECRET]);
/**
 * The `signed-cookie` control's cookie: the message as flashkit's cookie store writes it (base64url
 * JSON `[category, message]`, then "." and the HMAC-SHA256 of `name=payload`), signed and checked
 * with flashkit's own signer, inline, with none of the rest of flashkit: what signing alone costs.
 */
const SIGNED_COOKIE = {
  setHeader() {
    const payload = encodeBase64Url(JSON.stringify(["success", BENCH_MESSAGE]));
    return `${BARE_COOKIE}=${payload}.${signer.sign(`${BARE_COOKIE}=${payload}`)}; Path=/; HttpOnly; SameSite=Lax`;
  },
  messages(cookieHeader) {
    const match = /(?:^|;\s*)flash=([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)/.exec(cookieHeader ?? "");
    if (!match || !signer.verify(`${BARE_COOKIE}=${match[1]}`, match[2])) return [];
    const json = decodeBase64Url(match[1]);
    return json === undefined ? [] : [JSON.parse(json)];
  },
};

/** `cookie`, doing `work` each time it sets its cookie (each flash). */
function withExtraWork(cookie, work) {
  return {
    setHeader() {
      extraWorkSink = work();
      return cookie.setHeader();
    },
    messages: cookie.messages,
  };
}
/** Where the extra work's results go, so that no optimiser can drop the work. */
export let extraWorkSink;

/** The cookie of `row`'s bare cycle: plain, or signed (and doing its extra work for the analysis rows). */
async function bareCookie(row) {
  if (!row.startsWith("signed-cookie")) return PLAIN_COOKIE;
  if (!(row in EXTRA_WORK_ROWS)) return SIGNED_COOKIE;
  return withExtraWork(SIGNED_COOKIE, await extraWork(EXTRA_WORK_ROWS[row]));
}

/** A flashkit store for `row`, and how to close it. */
async function flashkitStore(row, redisUrl) {
  if (row === "flashkit-cookie") {
    const { cookieStore } = await import("flashkit");
    return { store: cookieStore({ secret: BENCH_SECRET }), close: async () => {} };
  }
  if (row === "flashkit-memory") {
    const { memoryStore } = await import("flashkit");
    return { store: memoryStore(), close: async () => {} };
  }
  if (row === "flashkit-redis") {
    if (!redisUrl) throw new Error("the flashkit-redis row needs REDIS_URL");
    const { Redis } = await import("ioredis");
    const { redisStore } = await import("flashkit/redis");
    const client = new Redis(redisUrl);
    const keyPrefix = `flashkit-bench:${process.pid}:`;
    return { store: redisStore({ client, secret: BENCH_SECRET, keyPrefix }), close: () => client.quit() };
  }
  return undefined;
}

/**
 * @typedef {object} BenchServer
 * @property {string} url `http://127.0.0.1:PORT`
 * @property {() => Promise<void>} close
 */

/**
 * Starts `framework`'s app for `row` on 127.0.0.1 (a free port). A row with flashkit (the
 * `flashkit-*` rows, `signed-cookie-flashkit-unused`) runs the framework's test app of
 * src/testing/apps, the one the conformance, no-loss and browser tests run, with flashkit mounted
 * app-wide and the bench's routes as its native routes; every other row runs the bare app here.
 * @param {"express" | "fastify" | "koa" | "hono"} framework
 * @param {string} row one of {@link BENCH_ROWS}[framework] or of {@link ANALYSIS_ROWS}
 * @param {{ redisUrl?: string }} [options]
 * @returns {Promise<BenchServer>}
 */
export async function startBenchApp(framework, row, options = {}) {
  if (!BENCH_ROWS[framework]?.includes(row) && !ANALYSIS_ROWS.includes(row)) {
    throw new Error(`no bench app for ${framework} × ${row}`);
  }
  const parts = FRAMEWORKS[framework];
  const peer = row in parts.peers;
  const cycle = row.startsWith("flashkit-") ? parts.flashkit : peer ? undefined : parts.cookie(await bareCookie(row));
  const flashkit = await flashkitStore(
    row === "signed-cookie-flashkit-unused" ? "flashkit-cookie" : row,
    options.redisUrl,
  );
  let app;
  if (flashkit) {
    const [{ createFlash }, { testApps }] = await Promise.all([
      import("flashkit"),
      import("../dist/testing/apps/index.js"),
    ]);
    app = await testApps[framework]({
      flash: createFlash({ store: flashkit.store }),
      routes: [],
      mount: "app",
      native: (testApp) => {
        parts.native?.(testApp);
        parts.routes(testApp, cycle);
      },
    });
    // A fetch-style app (Hono) is bridged to Node exactly as its bare twin is: the test app's own bridge
    // keeps the global Request and Response (tests share their process with other frameworks and
    // runtimes), which costs @hono/node-server its lightweight request path, a cost a real app does not pay.
    if (app.fetch) app = { ...app, handler: (await parts.listener({ fetch: app.fetch })).handler };
  } else {
    const bare = await parts.create();
    if (row === "empty-middleware" || row === "signed-cookie-empty-middleware") parts.emptyMiddleware(bare);
    parts.routes(bare, cycle ?? (await parts.peers[row](bare)));
    app = await parts.listener(bare);
  }
  const server = await listen(app.handler);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await app.close();
      await flashkit?.close();
    },
  };
}

/**
 * Listens on a free port of 127.0.0.1 with flashkit/testing's startServer (its module alone, so a bare
 * row's process loads nothing of flashkit's), keeping idle connections a minute.
 */
async function listen(handler) {
  const started = await startServer(handler);
  started.server.keepAliveTimeout = 60_000;
  return started;
}

/**
 * @typedef {object} Cycle what a bench app's three routes do, by kind of row
 * @property {(...args: any[]) => Array<[string, string]>} read the messages a page shows (`quiet`: the quiet page)
 * @property {(...args: any[]) => void} flashOne flashes {@link BENCH_MESSAGE} (the POST)
 * @property {boolean} [clears] the profile page expires the bare cycle's cookie when it showed the message
 */

/**
 * Each framework's part of the bench apps: `create()` the bare app; `emptyMiddleware(app)`, the
 * control's middleware; `routes(app, cycle)`, the three routes over a {@link Cycle}; the cycles of
 * `flashkit`, of the bare `cookie(cookie)` and of the `peers` (which install their middleware
 * first); `listener(app)`, the bare app as a Node request listener and what closes it; `native(app)`,
 * what the bench sets on the test app before its routes.
 */
const FRAMEWORKS = {
  express: {
    async create() {
      const { default: express } = await import("express");
      const app = express();
      app.disable("x-powered-by");
      return app;
    },
    emptyMiddleware: (app) => app.use((_req, _res, next) => next()),
    // The test app sends no ETag (as Flask); the bench keeps Express's default weak ETag, as its bare app.
    native: (app) => app.enable("etag"),
    flashkit: {
      read: (req) => req.getFlashedMessages({ withCategories: true }),
      flashOne: (req) => req.flash(BENCH_MESSAGE, "success"),
    },
    cookie: (cookie) => ({
      read: (req, quiet) => (quiet ? [] : cookie.messages(req.headers.cookie)),
      flashOne: (_req, res) => res.setHeader("Set-Cookie", cookie.setHeader()),
      clears: true,
    }),
    peers: {
      async "express-session"(app) {
        const { default: session } = await import("express-session");
        app.use(session({ secret: BENCH_SECRET, resave: false, saveUninitialized: false }));
        return connectFlash(app);
      },
      async "cookie-session"(app) {
        const { default: cookieSession } = await import("cookie-session");
        app.use(cookieSession({ name: "session", keys: [BENCH_SECRET] }));
        return connectFlash(app);
      },
    },
    routes(app, { read, flashOne, clears }) {
      app.get("/", (req, res) => {
        res.type("html").send(renderPage(read(req, true)));
      });
      app.post("/update_profile", (req, res) => {
        flashOne(req, res);
        res.redirect("/profile");
      });
      app.get("/profile", (req, res) => {
        const messages = read(req, false);
        if (clears && messages.length > 0) res.append("Set-Cookie", BARE_CLEAR);
        res.type("html").send(renderPage(messages));
      });
    },
    listener: (app) => ({ handler: app, close: async () => {} }),
  },

  fastify: {
    async create() {
      const { default: Fastify } = await import("fastify");
      return Fastify({ logger: false });
    },
    emptyMiddleware(app) {
      app.addHook("onRequest", (_request, _reply, done) => done());
      app.addHook("onSend", (_request, _reply, payload, done) => done(null, payload));
    },
    flashkit: {
      read: (request) => request.getFlashedMessages({ withCategories: true }),
      flashOne: (request) => request.flash(BENCH_MESSAGE, "success"),
    },
    cookie: (cookie) => ({
      read: (request, _reply, quiet) => (quiet ? [] : cookie.messages(request.headers.cookie)),
      flashOne: (_request, reply) => reply.header("set-cookie", cookie.setHeader()),
      clears: true,
    }),
    peers: {
      async "secure-session"(app) {
        await app.register((await import("@fastify/secure-session")).default, {
          key: Buffer.from(BENCH_SECRET.slice(0, 32)),
          cookie: { path: "/", httpOnly: true },
        });
        await app.register((await import("@fastify/flash")).default);
        return {
          read: (_request, reply) => pairsOf(reply.flash()),
          flashOne: (request) => request.flash("success", BENCH_MESSAGE),
        };
      },
    },
    routes(app, { read, flashOne, clears }) {
      app.get("/", (request, reply) => {
        reply.type("text/html; charset=utf-8").send(renderPage(read(request, reply, true)));
      });
      app.post("/update_profile", (request, reply) => {
        flashOne(request, reply);
        reply.redirect("/profile");
      });
      app.get("/profile", (request, reply) => {
        const messages = read(request, reply, false);
        if (clears && messages.length > 0) reply.header("set-cookie", BARE_CLEAR);
        reply.type("text/html; charset=utf-8").send(renderPage(messages));
      });
    },
    // Served as the test app serves it: Fastify's request handler on a server of our own.
    async listener(app) {
      await app.ready();
      return { handler: (req, res) => app.routing(req, res), close: () => app.close() };
    },
  },

  koa: {
    async create() {
      const { default: Koa } = await import("koa");
      return new Koa();
    },
    emptyMiddleware(app) {
      app.use(async (_ctx, next) => {
        await next();
      });
    },
    flashkit: {
      read: (ctx) => ctx.getFlashedMessages({ withCategories: true }),
      flashOne: (ctx) => ctx.flash(BENCH_MESSAGE, "success"),
    },
    cookie: (cookie) => ({
      read: (ctx, quiet) => (quiet ? [] : cookie.messages(ctx.get("cookie"))),
      flashOne: (ctx) => ctx.set("Set-Cookie", cookie.setHeader()),
      clears: true,
    }),
    peers: {},
    // One routing middleware, the same for every Koa row: no router package in the measurement.
    routes(app, { read, flashOne, clears }) {
      app.use((ctx) => {
        if (ctx.method === "GET" && ctx.path === "/") {
          ctx.type = "html";
          ctx.body = renderPage(read(ctx, true));
        } else if (ctx.method === "POST" && ctx.path === "/update_profile") {
          flashOne(ctx);
          ctx.redirect("/profile");
        } else if (ctx.method === "GET" && ctx.path === "/profile") {
          const messages = read(ctx, false);
          if (clears && messages.length > 0) ctx.append("Set-Cookie", BARE_CLEAR);
          ctx.type = "html";
          ctx.body = renderPage(messages);
        }
      });
    },
    listener: (app) => ({ handler: app.callback(), close: async () => {} }),
  },

  hono: {
    async create() {
      const { Hono } = await import("hono");
      return new Hono();
    },
    emptyMiddleware(app) {
      app.use(async (_c, next) => {
        await next();
      });
    },
    flashkit: {
      read: (c) => c.var.getFlashedMessages({ withCategories: true }),
      flashOne: (c) => c.var.flash(BENCH_MESSAGE, "success"),
    },
    cookie: (cookie) => ({
      read: (c, quiet) => (quiet ? [] : cookie.messages(c.req.header("cookie"))),
      flashOne: (c) => c.header("Set-Cookie", cookie.setHeader()),
      clears: true,
    }),
    peers: {},
    routes(app, { read, flashOne, clears }) {
      app.get("/", (c) => c.html(renderPage(read(c, true))));
      app.post("/update_profile", (c) => {
        flashOne(c);
        return c.redirect("/profile");
      });
      app.get("/profile", (c) => {
        const messages = read(c, false);
        if (clears && messages.length > 0) c.header("Set-Cookie", BARE_CLEAR, { append: true });
        return c.html(renderPage(messages));
      });
    },
    async listener(app) {
      const { getRequestListener } = await import("@hono/node-server");
      return { handler: getRequestListener(app.fetch), close: async () => {} };
    },
  },
};

/** connect-flash on `app` (after its session middleware), and its cycle. */
function connectFlash(app) {
  app.use(require("connect-flash")());
  return {
    read: (req) => pairsOf(req.flash()),
    flashOne: (req) => req.flash("success", BENCH_MESSAGE),
  };
}
