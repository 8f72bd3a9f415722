// Categories registered without `message`: Flask's one-argument `flash(message)` (category "message")
// is a compile error whose text says what to do.

import express from "express";
import { flash } from "flashkit/express";

declare module "flashkit" {
  interface Register {
    flashes: { success: string; error: string };
  }
}

const app = express();
app.use(flash({ secret: process.env.FLASH_SECRET }));
app.post("/save", (req, res) => {
  req.flash("Saved"); // expect-error TS2345: your flashes have no `message` category; call flash(message, category), or register `message: string`
  req.flash.now("Now"); // expect-error TS2345: no `message` category
  req.flash("Saved", "success");
  res.redirect(303, "/");
});
