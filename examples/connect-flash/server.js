/**
 * An Express app migrated from connect-flash to flashkit/connect-flash: one import line changed,
 * every `req.flash(...)` call left as it was.
 *
 * Before:
 *   const session = require("express-session");
 *   const flash = require("connect-flash");
 *   app.use(session({ secret: "keyboard cat", resave: false, saveUninitialized: false }));
 *   app.use(flash());
 *
 * After: the line below. The session middleware is no longer needed for flash messages (keep it if
 * the app uses sessions for something else); messages now live in signed cookies, one per message,
 * so two tabs or a fetch beside a page load no longer erase each other's messages.
 * (`const flash = require("flashkit/connect-flash");` works too, from CommonJS on Node 20.19+.)
 *
 * Run: `npm run build && FLASH_SECRET=$(openssl rand -base64 32) node examples/connect-flash/server.js`
 * (`PORT`, default 3001; without FLASH_SECRET a random secret is made, with a warning, and with
 * `NODE_ENV=production` the app refuses to start).
 */
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import flash from "flashkit/connect-flash";

const app = express();
app.set("view engine", "ejs");
app.set("views", join(dirname(fileURLToPath(import.meta.url)), "views"));
app.use(express.urlencoded({ extended: false }));
app.use(flash());

// The usual connect-flash pattern: hand this request's messages to every template.
app.use((req, res, next) => {
  res.locals.infos = req.flash("info");
  res.locals.errors = req.flash("error");
  next();
});

const notes = [];

app.get("/", (_req, res) => {
  res.render("index", { notes });
});

// connect-flash's README example.
app.get("/flash", (req, res) => {
  req.flash("info", "Flash is back!");
  res.redirect("/");
});

app.post("/notes", (req, res) => {
  const note = String(req.body.note ?? "").trim();
  if (!note) {
    req.flash("error", "Please write a note first.");
  } else {
    notes.push(note);
    req.flash("info", "Saved note %d: %s", notes.length, note); // util.format, as connect-flash does
  }
  res.redirect("/");
});

const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST || "127.0.0.1";
createServer(app).listen(port, host, function listening() {
  const address = this.address();
  console.log(`connect-flash example listening on http://${host}:${address.port}`);
});
