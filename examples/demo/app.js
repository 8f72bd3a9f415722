/**
 * The "Try it Yourself" demo: the Flask tutorial's login / profile flow, a playground, and a page
 * that flashes through fetch, htmx and Turbo, on Express 5 + Nunjucks + Bootstrap 5, with flash
 * messages from flashkit and its client script.
 *
 * Ways of showing messages, so each can be seen:
 * - `views/layout.njk` holds the Flask tutorial's Jinja block, unchanged (home, login, profile,
 *   with the default Bootstrap 5 theme);
 * - `views/playground.njk` replaces it with `{{ flashMessages() }}`, flashkit's renderer;
 * - with another theme chosen in the navbar (a `demo_theme` cookie), and on the partial-page demo,
 *   every page uses flashkit's renderer with that theme (`demo_flashes()`).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { FlashError } from "flashkit";
import { flash } from "flashkit/express";
import { installFlash } from "flashkit/nunjucks";
import {
  flashHeaders,
  flashLevel,
  htmxTrigger,
  PLAIN_CSS,
  renderFlashMessages,
  renderOobFragment,
  renderTurboStream,
} from "flashkit/render";
import nunjucks from "nunjucks";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = (/** @type {string} */ pkg) => join(dirname(require.resolve(`${pkg}/package.json`)), "dist");
const bootstrapDist = dist("bootstrap");
// The client scripts, built into dist/client by `npm run build` (scripts/build-client.js).
const clientDist = join(here, "../../dist/client");

/** The themes of the switcher; the first is the default. */
export const THEMES = ["bootstrap5", "bootstrap4", "tailwind", "plain"];
const THEME_COOKIE = "demo_theme";

/** The one account of the demo, shown on the login page. */
export const DEMO_USERNAME = "demo";
export const DEMO_PASSWORD = "demo";

/** The categories offered by the playground's select; a custom one can be typed instead. */
export const PLAYGROUND_CATEGORIES = ["success", "info", "warning", "error", "message"];

const USER_COOKIE = "demo_user";
/** The cookie of a client's CSRF id, and where a request carries its token (form field, or header for fetch/htmx/Turbo). */
const CSRF_COOKIE = "demo_csrf";
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * @typedef {object} DemoUser
 * @property {string} username
 * @property {string} name
 * @property {string} email
 */

/**
 * @typedef {object} DemoAppOptions
 * @property {string} [secret] Signs the flash cookies (default cookie store) and the `demo_user`
 *   cookie; at least 32 bytes. Without it (and outside production) flashkit makes a random one.
 * @property {import("flashkit").FlashStore} [store] A store to use instead of the default
 *   signed-cookie store, e.g. `memoryStore()`.
 */

/**
 * Creates the demo's Express app (not listening).
 *
 * @param {DemoAppOptions} [options]
 * @returns {import("express").Express}
 * @example
 * createDemoApp({ secret: process.env.FLASH_SECRET }).listen(3000);
 */
export function createDemoApp(options = {}) {
  const { secret, store } = options;
  const app = express();
  app.disable("x-powered-by");

  // Before flash(): a stylesheet request has no business with messages.
  const vendor = { index: false, maxAge: "1h" };
  app.use("/vendor/bootstrap", express.static(bootstrapDist, vendor));
  app.use("/vendor/bootstrap4", express.static(dist("bootstrap4"), vendor));
  app.use("/vendor/flashkit", express.static(clientDist, vendor));
  app.use("/vendor/demo", express.static(join(here, "vendor"), vendor));
  // For what asks /favicon.ico without reading the pages' <link rel="icon">.
  app.get("/favicon.ico", (_req, res) => {
    res.type("image/svg+xml").sendFile(join(here, "vendor/favicon.svg"), { maxAge: "1h" });
  });
  app.get("/vendor/htmx.min.js", (_req, res) => {
    res.sendFile(join(dist("htmx.org"), "htmx.min.js"), { maxAge: "1h" });
  });
  app.get("/vendor/turbo.js", (_req, res) => {
    res.sendFile(join(dist("@hotwired/turbo"), "turbo.es2017-umd.js"), { maxAge: "1h" });
  });
  app.get("/vendor/flashkit-plain.css", (_req, res) => {
    res.type("text/css").set("Cache-Control", "public, max-age=3600").send(PLAIN_CSS);
  });
  // With your own store, `secret` belongs to that store; here it still signs the user cookie.
  app.use(flash(store ? { store } : { secret }));
  const demoSecret = secret ?? randomBytes(32).toString("base64url");
  const users = userCookie(demoSecret);
  const csrf = csrfProtection(demoSecret);

  const env = installFlash(
    new nunjucks.Environment(new nunjucks.FileSystemLoader(join(here, "views")), {
      autoescape: true,
      throwOnUndefined: false,
    }),
  );
  // flashkit's renderer with the theme of this request: on the pages that the client script feeds.
  env.addGlobal(
    "demo_flashes",
    /** @this {{ ctx: Record<string, any> }} */
    function demoFlashes() {
      const messages = this.ctx.getFlashedMessages({ withCategories: true });
      return new nunjucks.runtime.SafeString(
        renderFlashMessages(messages, { theme: this.ctx.theme, autoDismiss: this.ctx.autoDismiss }),
      );
    },
  );
  // The page chrome is Bootstrap 5's: in the Bootstrap 4 theme, bs("me-auto", "mr-auto") gives Bootstrap 4's class.
  env.addGlobal(
    "bs",
    /** @this {{ ctx: Record<string, any> }} */
    function bootstrapClass(/** @type {string} */ five, /** @type {string} */ four) {
      return this.ctx.theme === "bootstrap4" ? four : five;
    },
  );
  // A category reaches a class attribute only through flashkit's fixed mapping ("x fixed-top" → "info").
  env.addFilter("flash_level", flashLevel);
  env.express(app);
  app.set("view engine", "njk");

  app.use(express.urlencoded({ extended: false, limit: "16kb" }));
  // Every POST below (the forms, and the fetch/htmx/Turbo routes) must come from this site's pages.
  app.use(csrf);

  app.use((req, res, next) => {
    res.locals.user = users.read(req);
    res.locals.path = req.path;
    res.locals.theme = themeOf(req);
    res.locals.themes = THEMES;
    res.locals.autoDismiss = false;
    next();
  });

  // The theme switcher: a cookie, then back to the page it was used on.
  app.post("/theme", (req, res) => {
    const theme = field(req, "theme");
    if (THEMES.includes(theme)) res.cookie(THEME_COOKIE, theme, { sameSite: "lax", path: "/", httpOnly: true });
    const back = field(req, "back");
    res.redirect(back.startsWith("/") && !back.startsWith("//") ? back : "/");
  });

  app.get("/", (_req, res) => {
    res.render("index.njk");
  });

  app.get("/login", (_req, res) => {
    res.render("login.njk", { demoUsername: DEMO_USERNAME, demoPassword: DEMO_PASSWORD });
  });

  app.post("/login", (req, res) => {
    const username = field(req, "username");
    const password = field(req, "password");
    if (!sameText(username, DEMO_USERNAME) || !sameText(password, DEMO_PASSWORD)) {
      req.flash("Invalid username or password", "error");
      res.redirect("/login");
      return;
    }
    users.write(res, { username: DEMO_USERNAME, name: "Demo User", email: "demo@example.com" });
    req.flash("Logged in successfully!", "success");
    res.redirect("/profile");
  });

  app.get("/profile", (req, res) => {
    if (!res.locals.user) {
      req.flash("Please log in to see your profile", "warning");
      res.redirect("/login");
      return;
    }
    res.render("profile.njk");
  });

  app.post("/update_profile", (req, res) => {
    /** @type {DemoUser | undefined} */
    const user = res.locals.user;
    if (!user) {
      req.flash("Please log in to see your profile", "warning");
      res.redirect("/login");
      return;
    }
    const name = field(req, "name").trim();
    const email = field(req, "email").trim();
    if (!name || name.length > 100) {
      req.flash("Please enter a name of 1 to 100 characters", "error");
    } else if (email.length > 254 || !EMAIL.test(email)) {
      req.flash("Please enter a valid email address", "error");
    } else {
      users.write(res, { ...user, name, email });
      req.flash("Profile updated successfully!", "success");
    }
    res.redirect("/profile");
  });

  app.post("/logout", (req, res) => {
    users.clear(res);
    req.flash("You have been logged out.", "info");
    res.redirect("/login");
  });

  app.get("/playground", (_req, res) => {
    res.render("playground.njk", { categories: PLAYGROUND_CATEGORIES });
  });

  app.post("/playground", (req, res) => {
    const message = field(req, "message");
    const custom = field(req, "custom_category").trim();
    const chosen = field(req, "category");
    const category = custom || (PLAYGROUND_CATEGORIES.includes(chosen) ? chosen : "message");
    const count = Math.min(5, Math.max(1, Number.parseInt(field(req, "count"), 10) || 1));
    if (!message.trim()) {
      req.flash("Type a message to flash", "error");
    } else if (category.length > 40) {
      req.flash("Keep the category under 40 characters", "error");
    } else {
      try {
        // Numbered, as flashkit's renderer shows a repeated message once; past three, the rest wait in <details>.
        for (let i = 0; i < count; i++) req.flash(count > 1 ? `${message} (${i + 1}/${count})` : message, category);
      } catch (error) {
        if (!(error instanceof FlashError)) throw error;
        if (error.code === "ERR_FLASH_STORE_UNAVAILABLE") {
          // Redis is down: nothing can be stored for the next page, so say so in this one.
          req.flash.now(`Not flashed: ${error.message}`, "error");
          res.status(503).render("playground.njk", { categories: PLAYGROUND_CATEGORIES });
          return;
        }
        // Too large for a cookie: flashkit refuses it at flash(), before anything is queued.
        req.flash(`Not flashed: ${error.message}`, "error");
      }
    }
    res.redirect("/playground");
  });

  // Partial-page delivery: each handler asks for the messages and sends them its own way.
  app.get("/partial", (_req, res) => {
    res.locals.autoDismiss = true;
    res.render("partial.njk");
  });

  app.post("/partial/fetch", (req, res) => {
    req.flash("Saved through fetch: Größe ✓ café", "success");
    res.set(flashHeaders(req.getFlashedMessages({ withCategories: true }))).json({ saved: true });
  });

  app.post("/partial/htmx", (req, res) => {
    req.flash("Sent by htmx in HX-Trigger", "info");
    const trigger = htmxTrigger(req.getFlashedMessages({ withCategories: true }));
    if (trigger) res.set("HX-Trigger", trigger);
    res.send("Saved with htmx.");
  });

  app.post("/partial/htmx-oob", (req, res) => {
    req.flash("Appended out of band by htmx", "warning");
    const messages = req.getFlashedMessages({ withCategories: true });
    res.send(`Saved with htmx (out of band).${renderOobFragment(messages, { theme: res.locals.theme })}`);
  });

  app.post("/partial/turbo", (req, res) => {
    req.flash("Appended by a Turbo stream", "success");
    const stream = renderTurboStream(req.getFlashedMessages({ withCategories: true }), { theme: res.locals.theme });
    res.type("text/vnd.turbo-stream.html").send(stream);
  });

  // A background request: it never asks for messages, so it never consumes one.
  app.get("/partial/ping", (_req, res) => {
    res.json({ pong: true });
  });

  return app;
}

/**
 * The theme chosen with the switcher (the `demo_theme` cookie), else the default.
 *
 * @param {import("express").Request} req
 * @returns {string}
 */
function themeOf(req) {
  const match = /(?:^|;\s*)demo_theme=([a-z0-9]+)/.exec(req.headers.cookie ?? "");
  return match && THEMES.includes(match[1]) ? match[1] : THEMES[0];
}

/**
 * Reads one form field as a string (a repeated field gives its first value).
 *
 * @param {import("express").Request} req
 * @param {string} name
 */
function field(req, name) {
  const value = req.body?.[name];
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : "";
  return typeof value === "string" ? value : "";
}

/** Compares two strings in constant time (for their length). */
function sameText(/** @type {string} */ a, /** @type {string} */ b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF protection for the demo's POSTs, with no dependency: a request that changes state must come
 * from this origin (`Sec-Fetch-Site: same-origin`, or an `Origin` of this host where a browser
 * sends no Sec-Fetch-Site) and carry the client's token (a signed double-submit token: a random id
 * in the HttpOnly `demo_csrf` cookie, the token its HMAC under the demo's secret) in the `_csrf`
 * form field or the `X-CSRF-Token` header. Anything else is answered 403 before a route runs, so it
 * flashes nothing. Pages get the token as `csrfToken`.
 *
 * @param {string | Uint8Array} secret
 * @returns {import("express").RequestHandler}
 */
function csrfProtection(secret) {
  const key = createHmac("sha256", secret).update("flashkit demo: CSRF token").digest();
  const tokenOf = (/** @type {string} */ id) => createHmac("sha256", key).update(id).digest("base64url");
  return function demoCsrf(req, res, next) {
    const match = /(?:^|;\s*)demo_csrf=([A-Za-z0-9_-]{43})(?:;|$)/.exec(req.headers.cookie ?? "");
    let id = match?.[1];
    const known = id !== undefined;
    if (id === undefined) {
      id = randomBytes(32).toString("base64url");
      res.cookie(CSRF_COOKIE, id, { httpOnly: true, sameSite: "lax", path: "/" });
    }
    const token = tokenOf(id);
    res.locals.csrfToken = token;
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") {
      next();
      return;
    }
    const given = field(req, CSRF_FIELD) || String(req.headers[CSRF_HEADER] ?? "");
    if (!sameOrigin(req) || !known || !sameText(given, token)) {
      res.status(403).type("text/plain").send("Forbidden: this form must be sent from the demo's own pages.");
      return;
    }
    next();
  };
}

/**
 * Whether a request comes from a page of this origin: `Sec-Fetch-Site` when the browser sends it
 * (every current browser does), else the `Origin` header against the `Host` header; a request with
 * neither (not a browser) is left to the token.
 *
 * @param {import("express").Request} req
 */
function sameOrigin(req) {
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined) return site === "same-origin";
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The logged-in user, kept in a small signed cookie `demo_user = base64url(JSON) "." HMAC`: enough
 * for a demo without a session library. HttpOnly and SameSite=Lax; the forms are protected from
 * other sites by {@link csrfProtection}.
 *
 * @param {string} secret
 */
function userCookie(secret) {
  // A key of its own, so a user cookie's MAC can never pass for a flash cookie's.
  const key = createHmac("sha256", secret).update("flashkit demo: demo_user cookie").digest();
  const mac = (/** @type {string} */ payload) =>
    createHmac("sha256", key).update(`${USER_COOKIE}=${payload}`).digest("base64url");
  /** @type {import("express").CookieOptions} */
  const attributes = { httpOnly: true, sameSite: "lax", path: "/" };

  return {
    /**
     * @param {import("express").Request} req
     * @returns {DemoUser | undefined}
     */
    read(req) {
      const header = req.headers.cookie;
      if (!header?.includes(`${USER_COOKIE}=`)) return undefined;
      for (const part of header.split(";")) {
        const eq = part.indexOf("=");
        if (part.slice(0, eq).trim() !== USER_COOKIE) continue;
        const value = part.slice(eq + 1).trim();
        const dot = value.lastIndexOf(".");
        if (dot === -1) return undefined;
        const payload = value.slice(0, dot);
        const given = Buffer.from(value.slice(dot + 1));
        const expected = Buffer.from(mac(payload));
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
        try {
          const user = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
          if (typeof user?.username === "string" && typeof user.name === "string" && typeof user.email === "string") {
            return { username: user.username, name: user.name, email: user.email };
          }
        } catch {
          // a well-signed cookie always holds JSON; fall through
        }
        return undefined;
      }
      return undefined;
    },
    /**
     * @param {import("express").Response} res
     * @param {DemoUser} user
     */
    write(res, user) {
      const payload = Buffer.from(JSON.stringify(user)).toString("base64url");
      res.cookie(USER_COOKIE, `${payload}.${mac(payload)}`, attributes);
    },
    /** @param {import("express").Response} res */
    clear(res) {
      res.cookie(USER_COOKIE, "", { ...attributes, maxAge: 0 });
    },
  };
}
