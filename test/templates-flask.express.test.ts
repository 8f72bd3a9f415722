/**
 * Flask parity of flashkit/nunjucks: the templates in fixtures/flask-templates, rendered by
 * Nunjucks + addFlash() through Express's res.render() with a real flashkit jar, must equal byte
 * for byte what Flask/Jinja rendered for the same flashed messages (fixtures/flask-templates/
 * expected.json, recorded by scripts/record-flask-templates.py).
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import express5 from "express";
import express4 from "express4";
import nunjucks from "nunjucks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { memoryStore } from "../src/index.js";
import { addFlash } from "../src/templates/nunjucks.js";
import { testJar } from "./helpers.js";

interface Expected {
  recordedWith: Record<string, string>;
  cases: Record<string, Array<[category: string, message: string]>>;
  templates: Record<string, Record<string, string>>;
}

const TEMPLATES = fileURLToPath(new URL("./fixtures/flask-templates/", import.meta.url));
const expected = JSON.parse(readFileSync(`${TEMPLATES}expected.json`, "utf8")) as Expected;
const templateNames = Object.keys(expected.templates);
const caseNames = Object.keys(expected.cases);
const matrix = templateNames.flatMap((template) => caseNames.map((name) => [template, name] as const));

type ExpressFactory = typeof express5;

function makeApp(express: ExpressFactory) {
  const app = express();
  const env = addFlash(new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES), { autoescape: true }));
  env.express(app);
  app.set("view engine", "html");
  app.use(flash({ store: memoryStore() }));
  const flashCase = (req: express5.Request): void => {
    for (const [category, message] of expected.cases[String(req.params.case)] ?? []) req.flash(message, category);
  };
  // Flask's render-in-the-same-request: flashed before the first read, returned at once.
  app.get("/same/:template/:case", (req, res) => {
    flashCase(req);
    res.render(String(req.params.template));
  });
  // The usual flow: flash, redirect, read on the next request.
  app.get("/flash/:template/:case", (req, res) => {
    flashCase(req);
    res.redirect(`/show/${req.params.template}`);
  });
  app.get("/show/:template", (req, res) => {
    res.render(String(req.params.template));
  });
  return app;
}

describe("the parity check itself", () => {
  it("fails without addFlash's Jinja compatibility (so it tests something)", () => {
    const env = addFlash(new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES), { autoescape: true }), {
      jinjaEscaping: false,
      jinjaTruthiness: false,
      keepTrailingNewline: true,
    });
    const render = (template: string, name: string) => {
      const messages = expected.cases[name] ?? [];
      const get_flashed_messages = (...args: unknown[]) =>
        (args.at(-1) as { with_categories?: boolean } | undefined)?.with_categories
          ? messages
          : messages.map((m) => m[1]);
      return env.render(template, { get_flashed_messages });
    };
    for (const template of ["bootstrap4.html", "bootstrap5.html"]) {
      expect(render(template, "none")).not.toBe(expected.templates[template]!["none"]);
      expect(render(template, "hostile")).toContain("&quot;");
      expect(
        render(template, "hostile").replace(/\n$/, "").replaceAll("&quot;", "&#34;").replaceAll("&#92;", "\\"),
      ).toBe(expected.templates[template]!["hostile"]);
    }
  });
});

describe.each([
  ["Express 5", express5],
  ["Express 4", express4 as unknown as ExpressFactory],
])("Flask parity of flashkit/nunjucks templates (%s)", (_name, express) => {
  let base = "";
  let close = (): void => {};
  beforeAll(async () => {
    const server = makeApp(express).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it("has recorded fixtures for every template and case", () => {
    expect(templateNames.sort()).toEqual(["bootstrap4.html", "bootstrap5.html", "page.html"]);
    expect(caseNames).toEqual(expect.arrayContaining(["none", "one-success", "categories", "hostile"]));
    for (const template of templateNames) expect(Object.keys(expected.templates[template]!)).toEqual(caseNames);
  });

  it.each(matrix)("%s / %s: flash then render in one request", async (template, name) => {
    const res = await fetch(`${base}/same/${template}/${name}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(expected.templates[template]![name]);
  });

  it.each(matrix)("%s / %s: flash, redirect, render", async (template, name) => {
    const cookies = testJar();
    const first = await fetch(`${base}/flash/${template}/${name}`, { redirect: "manual" });
    expect(first.status).toBe(302);
    cookies.apply(first.headers.getSetCookie());
    const headers: Record<string, string> = cookies.header() ? { cookie: cookies.header() } : {};
    const second = await fetch(`${base}/show/${template}`, { headers });
    expect(await second.text()).toBe(expected.templates[template]![name]);
    cookies.apply(second.headers.getSetCookie());
    // Consumed: the next render shows no messages, as Flask's would.
    const third = await fetch(`${base}/show/${template}`, {
      headers: cookies.header() ? { cookie: cookies.header() } : {},
    });
    expect(await third.text()).toBe(expected.templates[template]!["none"]);
  });
});
