// The per-instance form: `createFlash<AppFlashes>()` types the instance, and `flashOf(req, instance)`
// is `req.flash` typed by it. `req.flash` itself is typed by `Register` only (here: none registered, so
// any category passes).

import express from "express";
import { cookieStore, createFlash } from "flashkit";
import { flash, flashOf } from "flashkit/express";

type AppFlashes = { success: string; error: string; toast: { title: string } };

const flashkit = createFlash<AppFlashes>({ store: cookieStore({ secret: process.env.FLASH_SECRET }) });
const app = express();
app.use(flash(flashkit));
app.post("/save", (req, res) => {
  const flashTyped = flashOf(req, flashkit);
  flashTyped("Saved", "success");
  flashTyped({ title: "Hi" }, "toast");
  flashTyped("Saved", "sucess"); // expect-error TS2345: '"sucess"'
  flashTyped("Saved"); // expect-error TS2345: no `message` category
  req.flash("Saved", "sucess"); // no Register: req.flash takes any category
  res.redirect(303, "/");
});
