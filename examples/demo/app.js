/**
 * The "Try it Yourself" demo: the Flask tutorial's login / profile flow and a playground, on
 * Express 5 + Nunjucks + Bootstrap 5, with flash messages from flashkit.
 *
 * Two ways of showing messages are used, one per page, so both can be seen:
 * - `views/layout.njk` holds the Flask tutorial's Jinja block, unchanged (home, login, profile);
 * - `views/playground.njk` replaces it with `{{ flash_messages() }}`, flashkit's Bootstrap 5 renderer.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { FlashError } from "flashkit";
import { flash } from "flashkit/express";
import { addFlash } from "flashkit/nunjucks";
import nunjucks from "nunjucks";

const here = dirname(fileURLToPath(import.meta.url));
const bootstrapDist = join(dirname(createRequire(import.meta.url).resolve("bootstrap/package.json")), "dist");

/** The one account of the demo, shown on the login page. */
export const DEMO_USERNAME = "demo";
export const DEMO_PASSWORD = "demo";

/** The categories offered by the playground's select; a custom one can be typed instead. */
export const PLAYGROUND_CATEGORIES = ["success", "info", "warning", "error", "message"];

const USER_COOKIE = "demo_user";
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
  app.use("/vendor/bootstrap", express.static(bootstrapDist, { index: false, maxAge: "1h" }));
  // With your own store, `secret` belongs to that store; here it still signs the user cookie.
  app.use(flash(store ? { store } : { secret }));
  const users = userCookie(secret ?? randomBytes(32).toString("base64url"));

  const env = addFlash(
    new nunjucks.Environment(new nunjucks.FileSystemLoader(join(here, "views")), {
      autoescape: true,
      throwOnUndefined: false,
    }),
  );
  env.express(app);
  app.set("view engine", "njk");

  app.use(express.urlencoded({ extended: false, limit: "16kb" }));

  app.use((req, res, next) => {
    res.locals.user = users.read(req);
    res.locals.path = req.path;
    next();
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
        for (let i = 0; i < count; i++) req.flash(message, category);
      } catch (error) {
        // Too large for a cookie: flashkit refuses it at flash(), before anything is queued.
        if (!(error instanceof FlashError)) throw error;
        req.flash(`Not flashed: ${error.message}`, "error");
      }
    }
    res.redirect("/playground");
  });

  return app;
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
 * The logged-in user, kept in a small signed cookie `demo_user = base64url(JSON) "." HMAC`: enough
 * for a demo without a session library. HttpOnly and SameSite=Lax, so another site cannot post the
 * forms with it (the demo has no other CSRF protection).
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
