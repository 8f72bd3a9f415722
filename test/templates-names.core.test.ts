/**
 * The template modules' one naming scheme: `installFlash(target, options)` where there is an engine
 * or locals to install in, `createFlashHelpers(..., options)` where the helpers are values, and one
 * template function, `flashMessages` (`<FlashMessages>` in JSX), rendering the same HTML in every
 * engine. The old names stay as deprecated aliases: the same functions.
 */
import ejs from "ejs";
import Handlebars from "handlebars";
import nunjucks from "nunjucks";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createFlash } from "../src/core/create-flash.js";
import type { FlashJar } from "../src/core/jar.js";
import { templateFunctions } from "../src/core/request-api.js";
import type { FlashMap } from "../src/core/types.js";
import { type RenderOptions, renderFlashMessages } from "../src/render/index.js";
import { memoryStore } from "../src/stores/memory.js";
import * as ejsModule from "../src/templates/ejs.js";
import * as handlebarsModule from "../src/templates/handlebars.js";
import * as jsxModule from "../src/templates/jsx.js";
import * as nunjucksModule from "../src/templates/nunjucks.js";
import { fakeRequest } from "./helpers.js";

const MESSAGES: Array<[string, string]> = [
  ["error", "<b>Bad password</b>"],
  ["success", "Saved"],
  ["error", '"Locked"'],
];
const ERRORS = MESSAGES.filter(([category]) => category === "error");
const ids: RenderOptions = { messageId: (i) => `n${i}` };

/** What flashkit's middleware puts in a view's locals, over a real jar holding MESSAGES. */
function requestLocals(): Record<string, unknown> {
  const jar = createFlash({ store: memoryStore() }).open(fakeRequest()) as FlashJar<FlashMap>;
  jar.load();
  for (const [category, message] of MESSAGES) jar.flash(message as never, category as never);
  return { ...templateFunctions(jar) };
}

describe("the deprecated names are aliases of the new ones", () => {
  it.each([
    ["flashkit/nunjucks addFlash", nunjucksModule.addFlash, nunjucksModule.installFlash],
    ["flashkit/ejs createEjsHelpers", ejsModule.createEjsHelpers, ejsModule.createFlashHelpers],
    ["flashkit/handlebars registerFlashHelpers", handlebarsModule.registerFlashHelpers, handlebarsModule.installFlash],
    ["flashkit/jsx createFlashComponents", jsxModule.createFlashComponents, jsxModule.createFlashHelpers],
  ])("%s is the same function", (_name, alias, name) => {
    expect(typeof name).toBe("function");
    expect(alias).toBe(name);
  });
});

describe("installFlash and createFlashHelpers", () => {
  it("flashkit/nunjucks: installFlash(env, options) returns the environment", () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    expect(nunjucksModule.installFlash(env, { render: ids })).toBe(env);
    expect(env.getGlobal("flashMessages")).toBeTypeOf("function");
  });

  it("flashkit/handlebars: installFlash(handlebars, options) returns the instance", () => {
    const hbs = Handlebars.create();
    expect(handlebarsModule.installFlash(hbs, { render: ids })).toBe(hbs);
    expect(hbs.helpers["flashMessages"]).toBeTypeOf("function");
  });

  it("flashkit/ejs: installFlash(locals, options) puts createFlashHelpers(options) in the locals and returns them", () => {
    const appLocals: Record<string, unknown> = { title: "kept" };
    const installed = ejsModule.installFlash(appLocals, { render: ids });
    expect(installed).toBe(appLocals);
    expect(installed.title).toBe("kept");
    expect(Object.keys(installed).sort()).toEqual(["flashMessages", "title"]);
    expect(Object.keys(ejsModule.createFlashHelpers())).toEqual(["flashMessages"]);
    expect(() => ejsModule.installFlash(null as never)).toThrow(TypeError);
  });

  it("flashkit/jsx: createFlashHelpers(createElement, options) returns the components", () => {
    expect(Object.keys(jsxModule.createFlashHelpers(createElement, { render: ids }))).toEqual(["FlashMessages"]);
    expect(() => jsxModule.createFlashHelpers(undefined as never)).toThrow(TypeError);
  });
});

describe("flashMessages renders the same HTML in every engine", () => {
  const env = nunjucksModule.installFlash(new nunjucks.Environment(null, { autoescape: true }), { render: ids });
  const hbs = handlebarsModule.installFlash(Handlebars.create(), { render: ids });
  const ejsLocals = (): Record<string, unknown> => ejsModule.installFlash(requestLocals(), { render: ids });
  const { FlashMessages } = jsxModule.createFlashHelpers(createElement, { render: ids });

  it("with the base options given at installation", () => {
    const expected = renderFlashMessages(MESSAGES, ids);
    expect(env.renderString("{{ flashMessages() }}", requestLocals())).toBe(expected);
    expect(ejs.render("<%- flashMessages() %>", ejsLocals())).toBe(expected);
    expect(hbs.compile("{{flashMessages}}")(requestLocals())).toBe(expected);
    expect(renderToString(createElement(FlashMessages, { messages: MESSAGES }))).toBe(expected);
  });

  it("with a category filter and renderer options that override the base ones", () => {
    const expected = renderFlashMessages(ERRORS, { ...ids, theme: "tailwind", close: "js" });
    expect(
      env.renderString("{{ flashMessages(categoryFilter='error', theme='tailwind', close='js') }}", requestLocals()),
    ).toBe(expected);
    expect(
      env.renderString(
        "{{ flashMessages({ category_filter: ['error'], theme: 'tailwind', close: 'js' }) }}",
        requestLocals(),
      ),
    ).toBe(expected);
    expect(
      ejs.render('<%- flashMessages({ categoryFilter: "error", theme: "tailwind", close: "js" }) %>', ejsLocals()),
    ).toBe(expected);
    expect(hbs.compile('{{flashMessages categoryFilter="error" theme="tailwind" close="js"}}')(requestLocals())).toBe(
      expected,
    );
    expect(renderToString(createElement(FlashMessages, { messages: ERRORS, theme: "tailwind", close: "js" }))).toBe(
      expected,
    );
  });

  it("Nunjucks keeps flash_messages(), its old spelling, with Flask's arguments", () => {
    expect(env.renderString("{{ flash_messages() }}", requestLocals())).toBe(renderFlashMessages(MESSAGES, ids));
    expect(env.renderString("{{ flash_messages(category_filter=['error']) }}", requestLocals())).toBe(
      renderFlashMessages(ERRORS, ids),
    );
    expect(env.renderString("{{ flash_messages(true, 'error') }}", requestLocals())).toBe(
      renderFlashMessages(ERRORS, ids),
    );
  });
});
