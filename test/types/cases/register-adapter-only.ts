// A program that imports only an adapter and types its categories through `Register`: the augmentation
// finds "flashkit" (TS2664 before the adapters loaded the root module) and every call is checked.
import express from "express";
import { flash } from "flashkit/express";

type AppFlashes = { success: string; error: string; toast: { title: string } };

declare module "flashkit" {
  interface Register {
    flashes: AppFlashes;
  }
}

const app = express();
app.use(flash({ secret: process.env.FLASH_SECRET }));
app.post("/save", (req, res) => {
  req.flash("Saved", "success");
  req.flash({ title: "Hi" }, "toast");
  req.flash("Saved", "sucess"); // expect-error TS2345: '"sucess"'
  req.flash("Hi", "toast"); // expect-error TS2345: '{ title: string; }'
  req.flash.now("Shown now", "error");
  const pairs: Array<["success", string] | ["error", string] | ["toast", { title: string }]> = req.getFlashedMessages({
    withCategories: true,
  });
  res.json(pairs);
});
