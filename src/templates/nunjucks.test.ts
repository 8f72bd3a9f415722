import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { fakeRequest } from "../../test/helpers.js";
import { createFlash } from "../core/create-flash.js";
import { FlashError } from "../core/errors.js";
import type { FlashJar } from "../core/jar.js";
import { templateFunctions } from "../core/request-api.js";
import type { FlashMap } from "../core/types.js";
import { memoryStore } from "../stores/memory.js";
import { addFlash, type NunjucksFlashOptions } from "./nunjucks.js";

/** An in-memory loader, so extends/include/import can be tested. */
function memoryLoader(templates: Record<string, string>): nunjucks.ILoader {
  return {
    getSource(name: string) {
      const src = templates[name];
      if (src === undefined) throw new Error(`template not found: ${name}`);
      return { src, path: name, noCache: true };
    },
  };
}

function makeEnv(
  options?: NunjucksFlashOptions,
  envOptions: nunjucks.ConfigureOptions = {},
  templates: Record<string, string> = {},
): nunjucks.Environment {
  return addFlash(new nunjucks.Environment(memoryLoader(templates), { autoescape: true, ...envOptions }), options);
}

/** The template context Express would give a view: the request's functions over a real jar. */
function requestContext(messages: Array<[string, unknown]> = []): { jar: FlashJar<FlashMap>; ctx: object } {
  const jar = createFlash({ store: memoryStore() }).open(fakeRequest()) as FlashJar<FlashMap>;
  jar.load();
  for (const [category, message] of messages) jar.flash(message as never, category as never);
  return { jar, ctx: { ...templateFunctions(jar) } };
}

const MESSAGES: Array<[string, unknown]> = [
  ["error", "Bad password"],
  ["success", "Saved"],
  ["error", "Locked"],
];

describe("{% with %}", () => {
  const env = makeEnv();
  const render = (src: string, ctx: object = {}) => env.renderString(src, ctx);

  it("binds names for its body only", () => {
    expect(render("{% with a = 1, b = 'two' %}{{ a }}-{{ b }}{% endwith %}[{{ a }}{{ b }}]")).toBe("1-two[]");
  });

  it("evaluates every value in the outer scope, as Jinja does", () => {
    expect(render("{% set a = 5 %}{% with a = 1, b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}")).toBe("155");
  });

  it("keeps sets inside its scope and sees outer variables", () => {
    expect(
      render("{% set x = 1 %}{% with %}{% set x = 2 %}{% set y = 3 %}{{ x }}{{ y }}{% endwith %}{{ x }}[{{ y }}]"),
    ).toBe("231[]");
    expect(render("{% with a = outer %}{{ a }}{{ outer }}{% endwith %}", { outer: "o" })).toBe("oo");
  });

  it("nests, works in loops (loop variables included) and in macros called with a caller", () => {
    expect(render("{% with a = 1 %}{% with b = a + 1 %}{{ a }}{{ b }}{% endwith %}{% endwith %}")).toBe("12");
    expect(
      render("{% for i in [10, 20] %}{% with j = i * 2 %}{{ loop.index }}:{{ j }} {% endwith %}{% endfor %}"),
    ).toBe("1:20 2:40 ");
    expect(
      render(
        "{% macro box() %}[{% with x = 1 %}{{ caller() }}{{ x }}{% endwith %}]{% endmacro %}" +
          "{% call box() %}inner{% endcall %}",
      ),
    ).toBe("[inner1]");
  });

  it("honours whitespace control like any tag", () => {
    expect(render("a  {%- with x = 1 -%}  {{ x }}  {%- endwith -%}  b")).toBe("a1b");
  });

  it("outputs its body as it is (escaped once, never twice)", () => {
    expect(render("{% with m = '<b>' %}{{ m }}|{{ m|safe }}{% endwith %}")).toBe("&lt;b&gt;|<b>");
  });

  it.each([
    ["{% with a 1 %}{% endwith %}", /expected =/],
    ["{% with a = 1 b = 2 %}{% endwith %}", /expected a comma/],
    ["{% with 'a' = 1 %}{% endwith %}", /expected a variable name/],
    ["{% with a = 1 %}no end", /endwith|end of file|unknown block/i],
  ])("reports a syntax error in %s", (src, message) => {
    expect(() => render(src)).toThrow(message);
  });

  it("works without the Jinja rewrites too", () => {
    const plain = makeEnv({ jinjaEscaping: false, jinjaTruthiness: false, keepTrailingNewline: true });
    expect(plain.renderString('{% with a = "<\\"" %}{{ a }}{% endwith %}\n', {})).toBe("&lt;&quot;\n");
  });
});

describe("get_flashed_messages() and getFlashedMessages() in templates", () => {
  const env = makeEnv();

  it("take Flask's keyword arguments", () => {
    const { ctx } = requestContext(MESSAGES);
    const src =
      "{% for c, m in get_flashed_messages(with_categories=true) %}{{ c }}={{ m }};{% endfor %}|" +
      "{{ get_flashed_messages(category_filter=['error'])|join(',') }}|" +
      "{{ get_flashed_messages(with_categories=true, category_filter=['success'])|length }}|" +
      "{{ get_flashed_messages()|length }}";
    expect(env.renderString(src, ctx)).toBe("error=Bad password;success=Saved;error=Locked;|Bad password,Locked|1|3");
  });

  it("take positional arguments and the camelCase options object", () => {
    const { ctx } = requestContext(MESSAGES);
    const src =
      "{{ get_flashed_messages(true, ['success'])[0][1] }}|" +
      "{{ getFlashedMessages({ withCategories: true, categoryFilter: ['error'] })|length }}";
    expect(env.renderString(src, ctx)).toBe("Saved|2");
  });

  it("consume the request's messages, as Flask's do", () => {
    const { jar, ctx } = requestContext(MESSAGES);
    expect(jar.peek()).toHaveLength(3);
    env.renderString("{{ get_flashed_messages() }}", ctx);
    jar.flash("later" as never, "info" as never);
    // The first read cached the list; a later flash waits for the next request.
    expect(env.renderString("{{ get_flashed_messages()|length }}", ctx)).toBe("3");
  });

  it("use the other spelling when the context has only one", () => {
    const { ctx } = requestContext(MESSAGES);
    const { getFlashedMessages } = ctx as { getFlashedMessages: unknown };
    expect(
      env.renderString("{{ get_flashed_messages(category_filter=['error'])|length }}", { getFlashedMessages }),
    ).toBe("2");
    const { ctx: ctx2 } = requestContext(MESSAGES);
    const { get_flashed_messages } = ctx2 as { get_flashed_messages: unknown };
    expect(env.renderString("{{ getFlashedMessages({ withCategories: true })[1][0] }}", { get_flashed_messages })).toBe(
      "success",
    );
  });

  it("hand the request's function a plain keyword object, without Nunjucks' __keywords marker", () => {
    const calls: unknown[][] = [];
    const get_flashed_messages = (...args: unknown[]) => {
      calls.push(args);
      return [];
    };
    makeEnv().renderString("{{ getFlashedMessages(withCategories=true, categoryFilter=['error']) }}", {
      get_flashed_messages,
    });
    expect(calls).toStrictEqual([[{ with_categories: true, category_filter: ["error"] }]]);
  });

  it("throw an error that says to install the middleware when the context has none", () => {
    for (const call of ["get_flashed_messages()", "getFlashedMessages()", "flash_messages()"]) {
      // Nunjucks wraps what a template function throws in a Template render error, keeping the message.
      expect(() => makeEnv().renderString(`{{ ${call} }}`, {})).toThrow(
        /FlashError: \w+\(\) found no flash messages for this request: install the flashkit middleware/,
      );
    }
  });

  it("throw a FlashError with code ERR_FLASH_NOT_INSTALLED when called directly", () => {
    const fn = makeEnv().getGlobal("get_flashed_messages") as (this: unknown) => unknown;
    expect(() => fn.call({ ctx: {} })).toThrow(expect.objectContaining({ code: "ERR_FLASH_NOT_INSTALLED" }));
    expect(() => fn.call({ ctx: {} })).toThrow(FlashError);
  });
});

describe("flash_messages()", () => {
  it("renders the request's messages with the flashkit renderer, unescaped by autoescape", () => {
    const env = makeEnv();
    const { ctx } = requestContext([["error", "<b>bad</b>"]]);
    const html = env.renderString("{{ flash_messages() }}", ctx);
    expect(html).toMatch(
      /^<div id="flash-messages" data-flash-container="" data-flash-theme="bootstrap5">\n<div class="alert alert-danger /,
    );
    expect(html).toContain("</span>&lt;b&gt;bad&lt;/b&gt;<button");
    expect(env.renderString("{{ flash_messages() }}", requestContext().ctx)).toBe(
      '<div id="flash-messages" data-flash-container="" data-flash-theme="bootstrap5"></div>',
    );
  });

  it("takes category_filter and the renderer's options", () => {
    const env = makeEnv({ render: { prefixes: { danger: "Fehler: " } } });
    const { ctx } = requestContext(MESSAGES);
    const html = env.renderString("{{ flash_messages(category_filter=['error']) }}", ctx);
    expect(html.match(/Fehler: /g)).toHaveLength(2);
    expect(html).not.toContain("Saved");
  });
});

describe("Jinja escaping", () => {
  const hostile = `<a href="x" onclick='y'>&amp; \\`;
  const jinja = "&lt;a href=&#34;x&#34; onclick=&#39;y&#39;&gt;&amp;amp; \\";

  it("escapes {{ }} output and the escape filters as Jinja does", () => {
    const env = makeEnv();
    expect(env.renderString("{{ s }}|{{ s|e }}|{{ s|escape }}|{{ s|safe|forceescape }}", { s: hostile })).toBe(
      [jinja, jinja, jinja, jinja].join("|"),
    );
    expect(env.renderString("{{ s|safe }}|{{ s|escape|escape }}", { s: hostile })).toBe(`${hostile}|${jinja}`);
  });

  it("escapes inside attributes, macros, includes and inherited blocks", () => {
    const env = makeEnv(
      {},
      {},
      {
        "base.html": "<title>{% block title %}{% endblock %}</title>{% include 'part.html' %}",
        "part.html": "<i>{{ s }}</i>",
        "page.html":
          "{% extends 'base.html' %}{% macro m(v) %}<b title=\"{{ v }}\">{{ v }}</b>{% endmacro %}" +
          "{% block title %}{{ m(s) }}{% endblock %}",
      },
    );
    expect(env.render("page.html", { s: `"'` })).toBe(
      '<title><b title="&#34;&#39;">&#34;&#39;</b></title><i>&#34;&#39;</i>',
    );
  });

  it("changes no other environment (nothing global is patched)", () => {
    makeEnv();
    const other = new nunjucks.Environment(null, { autoescape: true });
    expect(other.renderString("{{ s }}|{{ s|e }}", { s: '"\\' })).toBe("&quot;&#92;|&quot;&#92;");
    expect(makeEnv({ jinjaEscaping: false }).renderString("{{ s }}", { s: '"' })).toBe("&quot;");
  });

  it("leaves output raw when autoescape is off", () => {
    const env = makeEnv({}, { autoescape: false });
    expect(env.renderString("{{ s }}", { s: "<b>" })).toBe("<b>");
  });
});

describe("Jinja truthiness", () => {
  const env = makeEnv();
  const test = (src: string, value: unknown) => env.renderString(src, { v: value });

  it.each([
    [[], false],
    [{}, false],
    ["", false],
    [0, false],
    [null, false],
    [undefined, false],
    [new Map(), false],
    [new nunjucks.runtime.SafeString(""), false],
    [[0], true],
    [{ a: 1 }, true],
    ["x", true],
    [1, true],
    [new Map([[1, 1]]), true],
    [new Date(0), true],
  ])("treats %j as %s", (value, truthy) => {
    const T = truthy ? "T" : "F";
    const F = truthy ? "F" : "T";
    expect(test("{% if v %}T{% else %}F{% endif %}", value)).toBe(T);
    expect(test("{% if false %}x{% elif v %}T{% else %}F{% endif %}", value)).toBe(T);
    expect(test("{{ 'T' if v else 'F' }}", value)).toBe(T);
    expect(test("{% if not v %}T{% else %}F{% endif %}", value)).toBe(F);
    expect(test("{% if v and true %}T{% else %}F{% endif %}", value)).toBe(T);
    expect(test("{% if false or v %}T{% else %}F{% endif %}", value)).toBe(T);
    expect(test("{% if not (v or v) %}T{% else %}F{% endif %}", value)).toBe(F);
  });

  it("makes {% if messages %} false for no messages under {% with %} and elsewhere", () => {
    const { ctx } = requestContext();
    const src =
      "{% with messages = get_flashed_messages() %}{% if messages %}yes{% else %}no{% endif %}{% endwith %}" +
      "{% set m = get_flashed_messages() %}{% if m %}yes{% else %}no{% endif %}";
    expect(env.renderString(src, ctx)).toBe("nono");
    expect(env.renderString(src, requestContext(MESSAGES).ctx)).toBe("yesyes");
  });

  it("is JavaScript's when turned off", () => {
    expect(makeEnv({ jinjaTruthiness: false }).renderString("{% if v %}T{% else %}F{% endif %}", { v: [] })).toBe("T");
  });
});

describe("trailing newline and the template wrapper", () => {
  it("drops one trailing newline, as Jinja does, unless keepTrailingNewline", () => {
    const env = makeEnv();
    expect(env.renderString("x\n", {})).toBe("x");
    expect(env.renderString("x\n\n", {})).toBe("x\n");
    expect(env.renderString("x\r\n", {})).toBe("x");
    expect(env.renderString("\n", {})).toBe("");
    expect(makeEnv({ keepTrailingNewline: true }).renderString("x\n", {})).toBe("x\n");
  });

  it.each<[string, nunjucks.ConfigureOptions]>([
    ["defaults", {}],
    ["trimBlocks", { trimBlocks: true }],
    ["lstripBlocks", { trimBlocks: true, lstripBlocks: true }],
  ])("changes nothing else in the output (%s)", (_name, envOptions) => {
    const src = "\n  {% if true %}\nA {{ 1 }}\n  {% endif %}\n{# c #}\n{%- for i in [1, 2] %} {{ i }}{% endfor %}!";
    const plain = new nunjucks.Environment(null, { autoescape: true, ...envOptions });
    expect(makeEnv({}, envOptions).renderString(src, {})).toBe(plain.renderString(src, {}));
  });

  it("works with custom tag delimiters", () => {
    const env = makeEnv({}, { tags: { blockStart: "<%", blockEnd: "%>", variableStart: "<$", variableEnd: "$>" } });
    expect(env.renderString("<% with a = [] %><% if a %>y<% else %>n<% endif %><$ '\"' $><% endwith %>\n", {})).toBe(
      "n&#34;",
    );
  });

  it("keeps line numbers in errors", () => {
    const env = makeEnv();
    expect(() => env.renderString("line 1\nline 2 {% bogus %}", {})).toThrow(/Line 2/);
  });

  it("can be applied twice without doubling anything", () => {
    const env = addFlash(makeEnv(), { keepTrailingNewline: true });
    expect(env.renderString("{% with a = '\"' %}{{ a }}{% endwith %}\n", {})).toBe("&#34;\n");
  });
});
