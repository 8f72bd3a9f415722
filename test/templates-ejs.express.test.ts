/**
 * flashkit/ejs: `<%- flashMessages() %>` and the raw `get_flashed_messages`, directly and through
 * Express 4 and 5 (`res.render()`, with the adapter's `res.locals`).
 */
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import ejs from "ejs";
import express5 from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { createFlash } from "../src/core/create-flash.js";
import { FlashError } from "../src/core/errors.js";
import type { FlashJar } from "../src/core/jar.js";
import { templateFunctions } from "../src/core/request-api.js";
import type { FlashMap } from "../src/core/types.js";
import { escapeHtml, type RenderOptions, renderFlashMessages } from "../src/render/index.js";
import { memoryStore } from "../src/stores/memory.js";
import { createEjsHelpers } from "../src/templates/ejs.js";
import { fakeRequest, testJar } from "./helpers.js";

const VIEWS = fileURLToPath(new URL("./fixtures/views/", import.meta.url));
const ids: RenderOptions = { messageId: (i) => `e${i}` };
const XSS: Array<[string, string]> = [
  ["error", "<img src=x onerror=alert(1)>"],
  ["error", '"><script>alert(1)</script>'],
  ["info", '<a href="javascript:alert(1)">x</a>'],
  ['"><script>alert(1)</script>', "category breaks out?"],
  ["error' onmouseover='x", "quote injection"],
  ["success", "ünï 日本 😀 & <b>"],
];

/** The locals a view would get: the request's template functions over a real jar. */
function locals(messages: Array<[string, unknown]>): { jar: FlashJar<FlashMap>; locals: Record<string, unknown> } {
  const jar = createFlash({ store: memoryStore() }).open(fakeRequest()) as FlashJar<FlashMap>;
  jar.load();
  for (const [category, message] of messages) jar.flash(message as never, category as never);
  return { jar, locals: { ...templateFunctions(jar) } };
}

describe("createEjsHelpers, directly", () => {
  const helpers = createEjsHelpers({ render: ids });

  it("renders the request's messages as flashkit's container", () => {
    const { locals: data } = locals(XSS);
    expect(ejs.render("<%- flashMessages() %>", { ...data, ...helpers })).toBe(renderFlashMessages(XSS, ids));
    expect(ejs.render("<%- flashMessages() %>", { ...locals([]).locals, ...helpers })).toBe(
      '<div id="flash-messages" data-flash-container="" data-flash-theme="bootstrap5"></div>',
    );
  });

  it("escapes every message and keeps every category out of the markup", () => {
    const html = ejs.render("<%- flashMessages() %>", { ...locals(XSS).locals, ...helpers });
    expect(html).not.toMatch(/<img|<script|<a href|onmouseover='/);
    for (const [, message] of XSS) expect(html).toContain(escapeHtml(message));
  });

  it("works in strict mode as locals.flashMessages()", () => {
    const html = ejs.render("<%- locals.flashMessages() %>", { ...locals(XSS).locals, ...helpers }, { strict: true });
    expect(html).toBe(renderFlashMessages(XSS, ids));
  });

  it("takes a category filter and renderer options per call", () => {
    const html = ejs.render('<%- flashMessages({ categoryFilter: "error", theme: "tailwind", close: "none" }) %>', {
      ...locals(XSS).locals,
      ...helpers,
    });
    expect(html).toBe(
      renderFlashMessages(
        XSS.filter(([c]) => c === "error"),
        { ...ids, theme: "tailwind", close: "none" },
      ),
    );
    const flask = ejs.render('<%- flashMessages({ category_filter: ["success"] }) %>', {
      ...locals(XSS).locals,
      ...helpers,
    });
    expect(flask.match(/data-flash-message/g)).toHaveLength(1);
  });

  it("consumes the messages as Flask's first read does, and shares that read with get_flashed_messages", () => {
    const { jar, locals: data } = locals([["info", "one"]]);
    const html = ejs.render("<%- flashMessages() %>|<%= get_flashed_messages().length %>", { ...data, ...helpers });
    expect(html.endsWith("|1")).toBe(true);
    // Later calls in the request return the first read's list; a later flash waits for the next request.
    jar.flash("later" as never, "info" as never);
    const again = ejs.render("<%- flashMessages() %>", { ...data, ...helpers });
    expect(again).toContain(">one<");
    expect(again).not.toContain("later");
  });

  it("leaves the raw loop to EJS's own escaping", () => {
    const html = ejs.render(
      "<% for (const [category, message] of get_flashed_messages(true)) { %>[<%= category %>:<%= message %>]<% } %>",
      locals(XSS).locals,
    );
    expect(html).toBe(XSS.map(([c, m]) => `[${ejs.escapeXML(c)}:${ejs.escapeXML(m)}]`).join(""));
    expect(html).not.toMatch(/<img|<script/);
  });

  it("says what to install when the locals have no messages, and what to call without locals", () => {
    expect(() => ejs.render("<%- flashMessages() %>", { ...helpers })).toThrow(/install the flashkit middleware/);
    try {
      helpers.flashMessages.call({});
    } catch (error) {
      expect(error).toBeInstanceOf(FlashError);
      expect((error as FlashError).code).toBe("ERR_FLASH_NOT_INSTALLED");
    }
    const { flashMessages } = helpers;
    expect(() => flashMessages.call(undefined)).toThrow(/without the view's locals/);
  });
});

describe.each([
  ["Express 5", express5],
  ["Express 4", express4 as unknown as typeof express5],
])("flashkit/ejs through %s", (_name, express) => {
  let base = "";
  let close = (): void => {};
  beforeAll(async () => {
    const app = express();
    app.set("views", VIEWS);
    app.set("view engine", "ejs");
    app.use(flash({ store: memoryStore() }));
    Object.assign(app.locals, createEjsHelpers({ render: ids }));
    app.get("/flash", (req, res) => {
      for (const [category, message] of XSS) req.flash(message, category);
      res.redirect(String(req.query["to"] ?? "/show"));
    });
    app.get("/show/:view", (req, res) => res.render(String(req.params.view), { url: req.originalUrl }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  async function flow(view: string): Promise<[string, string]> {
    const cookies = testJar();
    const first = await fetch(`${base}/flash`, { redirect: "manual" });
    cookies.apply(first.headers.getSetCookie());
    const page = await fetch(`${base}/show/${view}`, { headers: { cookie: cookies.header() } });
    cookies.apply(page.headers.getSetCookie());
    const again = await fetch(`${base}/show/${view}`, { headers: { cookie: cookies.header() } });
    return [await page.text(), await again.text()];
  }

  it("<%- flashMessages() %> renders the flashed messages once", async () => {
    const [page, again] = await flow("flash");
    expect(page).toBe(`<main>${renderFlashMessages(XSS, ids)}</main>\n`);
    expect(again).toBe(`<main>${renderFlashMessages([], ids)}</main>\n`);
  });

  it("per-call options: a filter, the plain theme and a close link to the page", async () => {
    const [page] = await flow("flash-errors");
    const expected = renderFlashMessages(
      XSS.filter(([c]) => c === "error"),
      { ...ids, theme: "plain", close: "link", closeHref: "/show/flash-errors" },
    );
    expect(page).toBe(`<main>${expected}</main>\n`);
  });

  it("get_flashed_messages(true) from res.locals in a hand-written loop", async () => {
    const [page, again] = await flow("flash-loop");
    expect(page).toBe(
      `<ul>${XSS.map(([c, m]) => `<li class="${ejs.escapeXML(c)}">${ejs.escapeXML(m)}</li>`).join("")}</ul>\n`,
    );
    expect(again).toBe("<ul></ul>\n");
  });
});
