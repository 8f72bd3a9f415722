// `Register` in a CommonJS program (`module: commonjs`) that imports only the connect-flash drop-in
// and flashkit/express: the augmentation reaches the CommonJS types.
import express = require("express");
import connectFlash = require("flashkit/connect-flash");

import { createFlash, memoryStore } from "flashkit";
import { flashOf } from "flashkit/express";

declare module "flashkit" {
  interface Register {
    flashes: { success: string; message: string };
  }
}

const flashkit = createFlash({ store: memoryStore() });
const app = express();
app.use(connectFlash(flashkit));
app.post("/save", (req, res) => {
  const count: number = req.flash("info", "Saved %d", 1);
  const messages: string[] = req.flash("info");
  flashOf(req, flashkit)("Saved", "success");
  flashOf(req, flashkit)("Saved");
  flashOf(req, flashkit)("Saved", "sucess"); // expect-error TS2345: '"sucess"'
  res.json({ count, messages });
});
