/**
 * The browser tests' server: the Express 5 test app (src/testing/apps) with flashkit/express, serving
 * the client script (bundled in memory from src/client), Bootstrap 4/5, htmx, Turbo, the themes' CSS,
 * pages the tests register, and routes that flash through fetch, htmx (HX-Trigger and out-of-band) and
 * Turbo streams with the delivery helpers of flashkit/render.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { bundleClient, CLIENT_THEMES } from "../../scripts/build-client.js";
import { createFlash } from "../../src/core/create-flash.js";
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
import { cookieStore } from "../../src/stores/cookie.js";
import { expressApp } from "../../src/testing/apps/express.js";
import type { TestFlashApi, TestRoute, TestRouteResponse } from "../../src/testing/apps/routes.js";
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

/** The routes that flash, read and deliver, as the test apps of src/testing/apps take them. */
function routes(pages: ReadonlyMap<string, string>): TestRoute[] {
  const html = (text: string): TestRouteResponse => ({ type: "html", text });
  return [
    {
      method: "GET",
      path: "/p/:name",
      handle: ({ params }) => {
        const page = pages.get(params.name ?? "");
        return page === undefined ? { status: 404, type: "text/plain", text: "Not Found" } : html(page);
      },
    },
    // Flashes for the next page and reads nothing (as a redirecting POST would).
    {
      method: "POST",
      path: "/api/flash",
      handle: ({ query, flash }) => {
        flash.flash(query.get("message") ?? "Saved", query.get("category") ?? "success");
        return { status: 204 };
      },
    },
    // A background request: its handler never asks for messages, so it consumes none.
    { method: "GET", path: "/api/ping", handle: () => ({ json: { pong: true } }) },
    // A page that shows (and so consumes) what is pending.
    {
      method: "GET",
      path: "/flashes",
      handle: ({ flash }) =>
        html(page({ messages: flash.getFlashedMessages({ withCategories: true }) as Array<[string, string]> })),
    },
    // fetch: the handler asks for the messages and sends them in X-Flash-Messages.
    {
      method: "POST",
      path: "/api/save",
      handle: ({ flash }) => {
        flash.flash(NON_ASCII, "success");
        flash.flash("<img src=x onerror=window.__xss=1>", "error");
        return { headers: flashHeaders(messagesOf(flash)), json: { ok: true } };
      },
    },
    // htmx, HX-Trigger: {"flash": [...]}.
    {
      method: "POST",
      path: "/htmx/trigger",
      handle: ({ flash }) => {
        flash.flash(NON_ASCII, "info");
        const trigger = htmxTrigger(messagesOf(flash));
        return { ...html(""), ...(trigger ? { headers: { "HX-Trigger": trigger } } : {}) };
      },
    },
    // htmx, out of band: messages appended to #flash-messages (hx-swap-oob="beforeend:#flash-messages").
    {
      method: "POST",
      path: "/htmx/oob",
      handle: ({ query, flash }) => {
        flash.flash(NON_ASCII, "warning");
        flash.flash("Saved out of band", "success");
        const theme = (query.get("theme") ?? "bootstrap5") as PageOptions["theme"];
        return html(`<p id="result">done</p>${renderOobFragment(messagesOf(flash), { theme })}`);
      },
    },
    // Turbo: a form submission answered with a stream that appends to #flash-messages.
    {
      method: "POST",
      path: "/turbo/save",
      handle: ({ flash }) => {
        flash.flash(NON_ASCII, "success");
        const stream = renderTurboStream(messagesOf(flash), { theme: "bootstrap5" });
        return { type: "text/vnd.turbo-stream.html", text: stream };
      },
    },
    // A header and an HX-Trigger that hold entries that are not messages (from a buggy or hostile
    // upstream), beside one that is.
    {
      method: "GET",
      path: "/api/not-messages",
      handle: () => ({ headers: { [FLASH_HEADER]: JSON.stringify(NOT_MESSAGES) }, json: { ok: true } }),
    },
    {
      method: "POST",
      path: "/htmx/not-messages",
      handle: () => ({ ...html(""), headers: { "HX-Trigger": JSON.stringify({ flash: NOT_MESSAGES }) } }),
    },
  ];
}

/** What the handler reads, as the delivery helpers take it. */
function messagesOf(flash: TestFlashApi): Array<[string, unknown]> {
  return flash.getFlashedMessages({ withCategories: true }) as Array<[string, unknown]>;
}

export async function startTestServer(): Promise<TestServer> {
  const [classic, module] = await Promise.all([
    bundleClient({ format: "iife", themes: CLIENT_THEMES }),
    bundleClient({ format: "esm", themes: CLIENT_THEMES }),
  ]);
  const pages = new Map<string, string>();
  // The client script and the vendored files, served before (and without) flashkit's middleware.
  const assets = (app: express.Express) => {
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
  };
  const app = await expressApp({
    flash: createFlash({ store: cookieStore({ secret: "browser-test-secret-0123456789-0123456789-abcdef" }) }),
    routes: routes(pages),
    native: (expressApp) => assets(expressApp as express.Express),
  });

  const server = await startServer(app.handler);
  return Object.assign(server, {
    add(name: string, html: string) {
      pages.set(name, html);
      return `${server.url}/p/${name}`;
    },
  });
}
