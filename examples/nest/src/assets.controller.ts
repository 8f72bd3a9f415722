import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { Controller, Get, Header, StreamableFile } from "@nestjs/common";

const resolve = createRequire(import.meta.url).resolve;
const BOOTSTRAP_CSS = resolve("bootstrap/dist/css/bootstrap.min.css");
// flashkit's client script: close buttons, Escape, focus, auto-dismiss, live regions.
const FLASHKIT_CLIENT = resolve("flashkit/client/browser/flashkit-client.iife.min.js");

// The two files the pages load, served on both platforms without a static-files plugin.
@Controller("assets")
export class AssetsController {
  @Get("bootstrap.min.css")
  @Header("Content-Type", "text/css; charset=utf-8")
  bootstrap() {
    return new StreamableFile(createReadStream(BOOTSTRAP_CSS));
  }

  @Get("flashkit-client.js")
  @Header("Content-Type", "text/javascript; charset=utf-8")
  client() {
    return new StreamableFile(createReadStream(FLASHKIT_CLIENT));
  }
}
