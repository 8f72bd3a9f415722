/**
 * The browser tests' server: an Express 5 app with flashkit/express, serving the client script
 * (bundled in memory from src/client), Bootstrap 4/5, htmx, Turbo, the themes' CSS, pages the
 * tests register, and routes that flash through fetch, htmx (HX-Trigger and out-of-band) and Turbo
 * streams with the delivery helpers of flashkit/render.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { bundleClient, CLIENT_THEMES } from "../../scripts/build-client.js";
import { flash } from "../../src/adapters/express.js";
import {
  FLASH_HEADER,
  flashHeaders,
  htmxTrigger,
  PLAIN_CSS,
  type RenderOptions,
  renderFlashMessages,
  renderOobFragment,
  renderTurboStream,
} from "../../src/render/index.js";
import { type StartedServer, startServer } from "../../src/testing/index.js";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const dist = (pkg: string) => join(dirname(require.resolve(`${pkg}/package.json`)), "dist");

/** A page's parts, for {@link page}. */
export interface PageOptions {
  /** The server theme (and its CSS). @default "bootstrap5" */
  theme?: "bootstrap5" | "bootstrap4" | "tailwind" | "plain";
  /** Messages rendered into the page by renderFlashMessages. @default none */
  messages?: Array<[string, string]>;
  /** Options of renderFlashMessages (theme is taken from `theme`). */
  render?: RenderOptions;
  /** Extra markup at the end of `<head>` (scripts). */
  head?: string;
  /** Markup after the messages. */
  body?: string;
  /** Load the flashkit client script (classic). @default true */
  client?: boolean;
  /** Load Bootstrap's own JS (bootstrap5 only: Bootstrap 4's needs jQuery, which is not installed). */
  bootstrapJs?: boolean;
  /** The `<html>` attributes. */
  htmlAttributes?: string;
}

const CSS: Record<string, string> = {
  bootstrap5: '<link rel="stylesheet" href="/vendor/bootstrap5/css/bootstrap.min.css">',
  bootstrap4: '<link rel="stylesheet" href="/vendor/bootstrap4/css/bootstrap.min.css">',
  tailwind: '<link rel="stylesheet" href="/vendor/tailwind.css">',
  plain: '<link rel="stylesheet" href="/vendor/plain.css">',
};

/** A whole test page: CSS of the theme, the rendered container, the client script. */
export function page(options: PageOptions = {}): string {
  const theme = options.theme ?? "bootstrap5";
  const flashes = renderFlashMessages(options.messages ?? [], { ...options.render, theme });
  return (
    `<!doctype html><html lang="en" ${options.htmlAttributes ?? ""}><head><meta charset="utf-8"><title>t</title>${CSS[theme]}` +
    (options.client === false ? "" : '<script src="/flashkit-client.js"></script>') +
    (options.bootstrapJs ? '<script src="/vendor/bootstrap5/js/bootstrap.bundle.min.js"></script>' : "") +
    `${options.head ?? ""}</head><body><main style="max-width:40rem;margin:1rem auto">` +
    `<button id="before">before</button>${flashes}${options.body ?? ""}<button id="after">after</button></main></body></html>`
  );
}

/** The running server and the pages the tests register on it. */
export interface TestServer extends StartedServer {
  /** Registers a page at `/p/<name>` and returns its URL. */
  add(name: string, html: string): string;
}

/**
 * What `/api/not-messages` and `/htmx/not-messages` deliver: values that are not messages (a message
 * is an object with a `message`, as flashPayload() makes it), then one message.
 */
export const NOT_MESSAGES: unknown[] = [
  null,
  1,
  "s",
  [],
  {},
  ["error", "a pair is not the wire format"],
  { category: "info" },
  true,
  { category: "warning", message: "the one real message" },
];

/** The message the delivery routes flash: non-ASCII, to cross the header path intact. */
export const NON_ASCII = "Größe ✓ 日本 — saved";

export async function startTestServer(): Promise<TestServer> {
  const [classic, module] = await Promise.all([
    bundleClient({ format: "iife", themes: CLIENT_THEMES }),
    bundleClient({ format: "esm", themes: CLIENT_THEMES }),
  ]);
  const pages = new Map<string, string>();
  const app = express();
  const js = (code: string) => (_req: express.Request, res: express.Response) => {
    res.type("text/javascript").send(code);
  };
  app.get("/flashkit-client.js", js(classic));
  app.get("/flashkit-client.mjs", js(module));
  app.use("/vendor/bootstrap5", express.static(dist("bootstrap")));
  app.use("/vendor/bootstrap4", express.static(dist("bootstrap4")));
  app.get("/vendor/htmx.js", js(readFileSync(join(dist("htmx.org"), "htmx.min.js"), "utf8")));
  app.get("/vendor/turbo.js", js(readFileSync(join(dist("@hotwired/turbo"), "turbo.es2017-umd.js"), "utf8")));
  app.get("/vendor/tailwind.css", (_req, res) => {
    res.sendFile(join(here, "../../examples/demo/vendor/tailwind.css"));
  });
  app.get("/vendor/plain.css", (_req, res) => {
    res.type("text/css").send(PLAIN_CSS);
  });

  app.use(flash({ secret: "browser-test-secret-0123456789-0123456789-abcdef" }));
  app.get("/p/:name", (req, res) => {
    const html = pages.get(req.params.name);
    if (html === undefined) res.sendStatus(404);
    else res.type("html").send(html);
  });

  // Flashes for the next page and reads nothing (as a redirecting POST would).
  app.post("/api/flash", (req, res) => {
    req.flash(String(req.query.message ?? "Saved"), String(req.query.category ?? "success"));
    res.sendStatus(204);
  });
  // A background request: its handler never asks for messages, so it consumes none.
  app.get("/api/ping", (_req, res) => {
    res.json({ pong: true });
  });
  // A page that shows (and so consumes) what is pending.
  app.get("/flashes", (req, res) => {
    res
      .type("html")
      .send(page({ messages: req.getFlashedMessages({ withCategories: true }) as Array<[string, string]> }));
  });
  // fetch: the handler asks for the messages and sends them in X-Flash-Messages.
  app.post("/api/save", (req, res) => {
    req.flash(NON_ASCII, "success");
    req.flash("<img src=x onerror=window.__xss=1>", "error");
    res.set(flashHeaders(req.getFlashedMessages({ withCategories: true }))).json({ ok: true });
  });
  // htmx, HX-Trigger: {"flash": [...]}.
  app.post("/htmx/trigger", (req, res) => {
    req.flash(NON_ASCII, "info");
    const trigger = htmxTrigger(req.getFlashedMessages({ withCategories: true }));
    if (trigger) res.set("HX-Trigger", trigger);
    res.send("");
  });
  // htmx, out of band: messages appended to #flash-messages (hx-swap-oob="beforeend:#flash-messages").
  app.post("/htmx/oob", (req, res) => {
    req.flash(NON_ASCII, "warning");
    req.flash("Saved out of band", "success");
    const theme = String(req.query.theme ?? "bootstrap5") as PageOptions["theme"];
    res.send(
      `<p id="result">done</p>${renderOobFragment(req.getFlashedMessages({ withCategories: true }), { theme })}`,
    );
  });
  // Turbo: a form submission answered with a stream that appends to #flash-messages.
  app.post("/turbo/save", (req, res) => {
    req.flash(NON_ASCII, "success");
    res
      .type("text/vnd.turbo-stream.html")
      .send(renderTurboStream(req.getFlashedMessages({ withCategories: true }), { theme: "bootstrap5" }));
  });

  // A header and an HX-Trigger that hold entries that are not messages (from a buggy or hostile
  // upstream), beside one that is.
  app.get("/api/not-messages", (_req, res) => {
    res.set(FLASH_HEADER, JSON.stringify(NOT_MESSAGES)).json({ ok: true });
  });
  app.post("/htmx/not-messages", (_req, res) => {
    res.set("HX-Trigger", JSON.stringify({ flash: NOT_MESSAGES })).send("");
  });

  const server = await startServer(app);
  return Object.assign(server, {
    add(name: string, html: string) {
      pages.set(name, html);
      return `${server.url}/p/${name}`;
    },
  });
}
