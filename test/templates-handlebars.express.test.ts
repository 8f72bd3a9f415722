/**
 * flashkit/handlebars: `{{flashMessages}}` and `get_flashed_messages`, directly and through
 * Express 4 and 5 (a minimal Handlebars view engine; the adapter's `res.locals` is the root context).
 */
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import express5 from "express";
import express4 from "express4";
import Handlebars from "handlebars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { createFlash } from "../src/core/create-flash.js";
import type { FlashJar } from "../src/core/jar.js";
import { templateFunctions } from "../src/core/request-api.js";
import type { FlashMap } from "../src/core/types.js";
import { escapeHtml, flashLevel, type RenderOptions, renderFlashMessages } from "../src/render/index.js";
import { memoryStore } from "../src/stores/memory.js";
import { registerFlashHelpers } from "../src/templates/handlebars.js";
import { fakeRequest, testJar } from "./helpers.js";

const VIEWS = fileURLToPath(new URL("./fixtures/views/", import.meta.url));
const ids: RenderOptions = { messageId: (i) => `h${i}` };
const XSS: Array<[string, string]> = [
  ["error", "<img src=x onerror=alert(1)>"],
  ["error", '"><script>alert(1)</script>'],
  ["info", '<a href="javascript:alert(1)">x</a>'],
  ['"><script>alert(1)</script>', "category breaks out?"],
  ["error' onmouseover='x", "quote injection"],
  ["success", "ünï 日本 😀 & <b> {{x}} `="],
];

function context(messages: Array<[string, unknown]>): { jar: FlashJar<FlashMap>; data: Record<string, unknown> } {
  const jar = createFlash({ store: memoryStore() }).open(fakeRequest()) as FlashJar<FlashMap>;
  jar.load();
  for (const [category, message] of messages) jar.flash(message as never, category as never);
  return { jar, data: { ...templateFunctions(jar) } };
}

describe("registerFlashHelpers, directly", () => {
  const hbs = Handlebars.create();
  registerFlashHelpers(hbs, { render: ids });
  const render = (src: string, data: object) => hbs.compile(src)(data);

  it("{{flashMessages}} and {{{flashMessages}}} render flashkit's container", () => {
    expect(render("{{flashMessages}}", context(XSS).data)).toBe(renderFlashMessages(XSS, ids));
    expect(render("{{{flashMessages}}}", context(XSS).data)).toBe(renderFlashMessages(XSS, ids));
    expect(render("{{flashMessages}}", context([]).data)).toBe(renderFlashMessages([], ids));
  });

  it("escapes every message and keeps categories out of the markup", () => {
    const html = render("{{flashMessages}}", context(XSS).data);
    expect(html).not.toMatch(/<img|<script|<a href|onmouseover='/);
    for (const [, message] of XSS) expect(html).toContain(escapeHtml(message));
  });

  it("takes category_filter and renderer options as hash arguments", () => {
    expect(render('{{flashMessages category_filter="error" theme="tailwind" close="js"}}', context(XSS).data)).toBe(
      renderFlashMessages(
        XSS.filter(([c]) => c === "error"),
        { ...ids, theme: "tailwind", close: "js" },
      ),
    );
    expect(render('{{flashMessages categoryFilter="success" maxExpanded=0}}', context(XSS).data)).toContain(
      "<summary>1 more message</summary>",
    );
  });

  it("reads the root context inside blocks", () => {
    expect(render("{{#with other}}{{flashMessages}}{{/with}}", { ...context(XSS).data, other: { a: 1 } })).toBe(
      renderFlashMessages(XSS, ids),
    );
  });

  it("(get_flashed_messages true) gives pairs with category, message and level", () => {
    const html = render(
      "{{#each (get_flashed_messages true)}}[{{level}}|{{category}}|{{message}}|{{this.[0]}}]{{/each}}",
      context(XSS).data,
    );
    const esc = Handlebars.escapeExpression;
    expect(html).toBe(XSS.map(([c, m]) => `[${flashLevel(c)}|${esc(c)}|${esc(m)}|${esc(c)}]`).join(""));
    expect(html).not.toMatch(/<img|<script/);
  });

  it("get_flashed_messages takes Flask's arguments, positional or as a hash", () => {
    const { data } = context(XSS);
    expect(render("{{#each (get_flashed_messages)}}{{this}};{{/each}}", data)).toBe(
      XSS.map(([, m]) => `${Handlebars.escapeExpression(m)};`).join(""),
    );
    expect(render('{{#each (get_flashed_messages true "info")}}{{category}}{{/each}}', data)).toBe("info");
    expect(
      render('{{#each (get_flashed_messages with_categories=true category_filter="info")}}{{level}}{{/each}}', data),
    ).toBe("info");
    expect(
      render('{{#each (getFlashedMessages withCategories=true categoryFilter="success")}}{{level}}{{/each}}', data),
    ).toBe("success");
    expect(render("{{#if (get_flashed_messages)}}yes{{else}}no{{/if}}", context([]).data)).toBe("no");
  });

  it("shares Flask's one read per request between the helpers", () => {
    const { jar, data } = context([["info", "one"]]);
    expect(render("{{flashMessages}}{{#each (get_flashed_messages)}}|{{this}}{{/each}}", data)).toContain("|one");
    jar.flash("later" as never, "info" as never);
    expect(render("{{#each (get_flashed_messages)}}{{this}}{{/each}}", data)).toBe("one");
  });

  it("says what to install when the context has no messages", () => {
    expect(() => render("{{flashMessages}}", {})).toThrow(/install the flashkit middleware/);
    expect(() => render("{{get_flashed_messages}}", {})).toThrow(/install the flashkit middleware/);
    expect(() => registerFlashHelpers({} as never)).toThrow(TypeError);
  });

  it("registers on the instance it is given only", () => {
    expect(Handlebars.helpers["flashMessages"]).toBeUndefined();
    expect(hbs.helpers["flashMessages"]).toBeTypeOf("function");
  });
});

describe.each([
  ["Express 5", express5],
  ["Express 4", express4 as unknown as typeof express5],
])("flashkit/handlebars through %s", (_name, express) => {
  let base = "";
  let close = (): void => {};
  beforeAll(async () => {
    const hbs = Handlebars.create();
    registerFlashHelpers(hbs, { render: ids });
    const app = express();
    app.engine("hbs", (file: string, locals: object, done: (error: unknown, html?: string) => void) => {
      readFile(file, "utf8").then(
        (src) => done(null, hbs.compile(src)(locals)),
        (error: unknown) => done(error),
      );
    });
    app.set("views", VIEWS);
    app.set("view engine", "hbs");
    app.use(flash({ store: memoryStore() }));
    app.get("/flash", (req, res) => {
      for (const [category, message] of XSS) req.flash(message, category);
      res.redirect("/");
    });
    app.get("/show/:view", (req, res, next) => {
      res.render(String(req.params.view), { url: req.originalUrl }, (error: unknown, html?: string) => {
        if (error) next(error);
        else res.send(html);
      });
    });
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

  it("{{flashMessages}} renders the flashed messages once", async () => {
    const [page, again] = await flow("flash");
    expect(page).toBe(`<main>${renderFlashMessages(XSS, ids)}</main>\n`);
    expect(again).toBe(`<main>${renderFlashMessages([], ids)}</main>\n`);
  });

  it("hash options: a filter, the plain theme and a close link to the page", async () => {
    const [page] = await flow("flash-errors");
    const expected = renderFlashMessages(
      XSS.filter(([c]) => c === "error"),
      { ...ids, theme: "plain", close: "link", closeHref: "/show/flash-errors" },
    );
    expect(page).toBe(`<main>${expected}</main>\n`);
  });

  it("{{#each (get_flashed_messages true)}} from res.locals", async () => {
    const [page, again] = await flow("flash-loop");
    const esc = Handlebars.escapeExpression;
    expect(page).toBe(
      `<ul>${XSS.map(([c, m]) => `<li class="alert-${flashLevel(c)}" data-category="${esc(c)}">${esc(m)}|${esc(m)}</li>`).join("")}</ul>\n`,
    );
    expect(again).toBe("<ul></ul>\n");
  });
});
