/**
 * Every payload of a standard XSS list (test/fixtures/xss-payloads.txt: the OWASP filter-evasion
 * cheat sheet and the Big List of Naughty Strings' script-injection section, each also with its
 * `\xNN` escapes decoded), flashed as the message and as the category, through every renderer:
 * `renderFlashMessages` with every theme of the `themes` export and every close mode, the htmx
 * out-of-band fragment, the Turbo stream, the client script's markup for messages it receives as
 * data, and the Nunjucks helpers.
 *
 * The check does not trust the library's own escaping. The output for a payload is tokenized with
 * a small HTML tokenizer and compared with the output for a harmless placeholder: the same tags,
 * the same attributes, in the same order (so nothing was injected and no attribute value was broken
 * out of), and text and attribute values that decode to exactly the payload where the placeholder
 * was (so nothing was double-escaped or lost). No raw `<` may appear in text, and the placeholder
 * never reaches a class name or a style.
 */
import { readFileSync } from "node:fs";
import nunjucks from "nunjucks";
import { beforeAll, describe, expect, it } from "vitest";
import { type ClientTheme, messageHtml } from "../src/client/markup.js";
import * as clientThemes from "../src/client/themes.js";
import { createFlash } from "../src/core/create-flash.js";
import { templateFunctions } from "../src/core/request-api.js";
import type { FlashMap } from "../src/index.js";
import type { RenderOptions, Theme } from "../src/render/index.js";
import * as render from "../src/render/index.js";
import { memoryStore } from "../src/stores/memory.js";
import { addFlash } from "../src/templates/nunjucks.js";
import { fakeRequest } from "./helpers.js";

/** The payload list: comment lines start with "#"; every other non-empty line is one payload, verbatim. */
function loadPayloads(): string[] {
  const lines = readFileSync(new URL("./fixtures/xss-payloads.txt", import.meta.url), "utf8").split("\n");
  const payloads = new Set<string>();
  for (const line of lines) {
    if (line === "" || line.startsWith("#")) continue;
    payloads.add(line);
    // The lists write raw bytes as "\xNN" (UTF-8 sequences for non-ASCII): decode them too.
    if (/\\x[0-9A-Fa-f]{2}/.test(line)) payloads.add(decodeByteEscapes(line));
  }
  return [...payloads];
}

function decodeByteEscapes(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    const byteEscape = /^\\x([0-9A-Fa-f]{2})/.exec(text.slice(i, i + 4));
    if (byteEscape) {
      bytes.push(Number.parseInt(byteEscape[1]!, 16));
      i += 4;
    } else {
      const code = text.codePointAt(i)!;
      bytes.push(...Buffer.from(String.fromCodePoint(code), "utf8"));
      i += code > 0xffff ? 2 : 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

type Token =
  | { type: "text"; raw: string }
  | { type: "comment"; raw: string }
  | { type: "start"; name: string; attributes: Array<[name: string, raw: string]> }
  | { type: "end"; name: string };

/** A tokenizer for the markup flashkit emits, close enough to the HTML spec's to see an injected tag or attribute. */
function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < html.length) {
    if (html.startsWith("<!--", i)) {
      const end = html.indexOf("-->", i + 4);
      const stop = end === -1 ? html.length : end + 3;
      tokens.push({ type: "comment", raw: html.slice(i, stop) });
      i = stop;
      continue;
    }
    const tag = /^<(\/?)([A-Za-z][^\t\n\f\r />]*)/.exec(html.slice(i, i + 80));
    if (!tag) {
      const next = html.indexOf("<", i + 1);
      const stop = next === -1 ? html.length : next;
      tokens.push({ type: "text", raw: html.slice(i, stop) });
      i = stop;
      continue;
    }
    const name = tag[2]!.toLowerCase();
    i += tag[0].length;
    const attributes: Array<[string, string]> = [];
    for (;;) {
      while (/[\t\n\f\r /]/.test(html[i] ?? "")) i++;
      if (i >= html.length || html[i] === ">") {
        i++;
        break;
      }
      const attribute = /^[^\t\n\f\r />=]+/.exec(html.slice(i))?.[0] ?? html[i]!;
      i += attribute.length;
      let value = "";
      while (/[\t\n\f\r ]/.test(html[i] ?? "")) i++;
      if (html[i] === "=") {
        i++;
        while (/[\t\n\f\r ]/.test(html[i] ?? "")) i++;
        const quote = html[i];
        if (quote === '"' || quote === "'") {
          const end = html.indexOf(quote, i + 1);
          value = html.slice(i + 1, end === -1 ? html.length : end);
          i = end === -1 ? html.length : end + 1;
        } else {
          value = /^[^\t\n\f\r >]*/.exec(html.slice(i))![0];
          i += value.length;
        }
      }
      attributes.push([attribute.toLowerCase(), value]);
    }
    tokens.push(tag[1] ? { type: "end", name } : { type: "start", name, attributes });
  }
  return tokens;
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  times: "\u00d7",
  nbsp: "\u00a0",
};

function decode(text: string): string {
  return text.replace(/&(#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (entity, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return String.fromCodePoint(code);
    }
    return NAMED[body] ?? entity;
  });
}

function shape(token: Token): string {
  if (token.type === "start") return `<${token.name} ${token.attributes.map(([name]) => name).join(" ")}>`;
  if (token.type === "end") return `</${token.name}>`;
  return token.type;
}

/**
 * Why `actual` (rendered with the payload) is not `template` (rendered with the placeholders) with
 * the placeholders replaced, or `undefined` when it is.
 */
function compare(actual: string, template: string, substitute: (text: string) => string): string | undefined {
  const got = tokenize(actual);
  const want = tokenize(template);
  const gotShape = got.map(shape).join("");
  const wantShape = want.map(shape).join("");
  if (gotShape !== wantShape) return `markup differs:\n  got  ${gotShape}\n  want ${wantShape}`;
  for (const [index, token] of got.entries()) {
    const expected = want[index]!;
    if (token.type === "text" && expected.type === "text") {
      if (token.raw.includes("<")) return `raw "<" in text: ${JSON.stringify(token.raw)}`;
      if (decode(token.raw) !== substitute(decode(expected.raw))) return `text differs: ${JSON.stringify(token.raw)}`;
    }
    if (token.type === "start" && expected.type === "start") {
      for (const [at, [name, raw]] of token.attributes.entries()) {
        const want = substitute(decode(expected.attributes[at]![1]));
        if (decode(raw) !== want) return `attribute ${name} differs: ${JSON.stringify(raw)}`;
      }
    }
  }
  return undefined;
}

/** Placeholders that escape to themselves: one for strings, one for a string inside a JSON message. */
const PH = "zPLACEHOLDERz";
const PH_JSON = "zJSONPLACEHOLDERz";

/** Markup rendered with the placeholders must not put them where they would be code or a class. */
function checkPlaceholderPositions(template: string): string | undefined {
  for (const token of tokenize(template)) {
    if (token.type !== "start") continue;
    for (const [name, raw] of token.attributes) {
      if (name.includes("zplaceholderz") || name.includes("zjsonplaceholderz"))
        return `placeholder as attribute ${name}`;
      if (/^(class|style|id|on.*|href|src)$/.test(name) && (raw.includes(PH) || raw.includes(PH_JSON))) {
        return `placeholder reached ${name}="${raw}"`;
      }
    }
  }
  return undefined;
}

const payloads = loadPayloads();
const themeRecord = (render as { themes?: Record<string, Theme> }).themes ?? { bootstrap5: render.bootstrap5 };
const themeList = Object.entries(themeRecord);
const closeModes = ["always", "js", "link", "none"] as const;

/** The message list: the payload as message and as category, in a danger message, and inside a JSON message. */
function messagesWith(text: string, jsonText: string): Array<[string, unknown]> {
  return [
    [text, text],
    ["error", text],
    [text, "plain text"],
    ["success", { text: jsonText }],
  ];
}

function substituteFor(payload: string): (text: string) => string {
  return (text) => text.replaceAll(`"${PH_JSON}"`, JSON.stringify(payload)).replaceAll(PH, payload);
}

type Renderer = (messages: Array<[string, unknown]>, options: RenderOptions) => string;
const renderers: Array<[string, Renderer]> = [["renderFlashMessages", render.renderFlashMessages]];
const extra = render as Partial<Record<"renderOobFragment" | "renderTurboStream", Renderer>>;
if (extra.renderOobFragment) renderers.push(["renderOobFragment", extra.renderOobFragment]);
if (extra.renderTurboStream) renderers.push(["renderTurboStream", extra.renderTurboStream]);

function optionsFor(theme: Theme, close: (typeof closeModes)[number], text: string): RenderOptions {
  return {
    theme,
    close,
    showPrefix: close === "js" || close === "none",
    closeHref: "/page?after=close",
    maxExpanded: 2,
    messageId: (i: number) => `m${i}`,
    closeLabel: text,
    prefixes: { info: text, danger: text, success: text },
    moreLabel: () => text,
  } as RenderOptions;
}

describe("XSS payloads through every renderer", () => {
  beforeAll(() => {
    console.log(
      `hostile-xss: ${payloads.length} payloads × themes [${themeList.map(([name]) => name).join(", ")}] × ` +
        `close modes [${closeModes.join(", ")}] × [${renderers.map(([name]) => name).join(", ")}] + Nunjucks`,
    );
  });

  it("loads a standard list", () => {
    expect(payloads.length).toBeGreaterThan(400);
    expect(payloads).toContain("<script>alert(123)</script>");
    expect(payloads).toContain("<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>");
    expect(payloads.some((p) => p.includes("\u0000"))).toBe(true);
  });

  it("covers every built-in theme", () => {
    expect(Object.keys(themeRecord)).toEqual(expect.arrayContaining(["bootstrap5", "bootstrap4", "tailwind", "plain"]));
  });

  it.each(renderers)("%s leaves every payload inert, with every theme (and every close mode)", (name, renderer) => {
    const failures: string[] = [];
    // The fragment and the stream wrap the same body: one close mode is enough for them.
    const closes = name === "renderFlashMessages" ? closeModes : (["always"] as const);
    for (const [themeName, theme] of themeList) {
      for (const close of closes) {
        const template = renderer(messagesWith(PH, PH_JSON), optionsFor(theme, close, PH));
        const misplaced = checkPlaceholderPositions(template);
        if (misplaced) failures.push(`${themeName}/${close}: ${misplaced}`);
        for (const payload of payloads) {
          const actual = renderer(messagesWith(payload, payload), optionsFor(theme, close, payload));
          const problem = compare(actual, template, substituteFor(payload));
          if (problem) failures.push(`${themeName}/${close} ${JSON.stringify(payload)}: ${problem}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it("a payload as the close link's href is refused (a script URL) or stays one inert attribute value", () => {
    const failures: string[] = [];
    let refused = 0;
    for (const [themeName, theme] of themeList) {
      const template = render.renderFlashMessages([["info", "x"]], {
        theme,
        close: "link",
        closeHref: PH,
        messageId: () => "m",
      });
      for (const payload of payloads) {
        let actual: string;
        try {
          actual = render.renderFlashMessages([["info", "x"]], {
            theme,
            close: "link",
            closeHref: payload,
            messageId: () => "m",
          });
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          refused++;
          continue;
        }
        const href = /href="([^"]*)"/.exec(actual)?.[1] ?? "";
        if (/^\s*(javascript|vbscript|data|livescript):/i.test(decode(href).replace(/[\u0000-\u0020]/g, ""))) {
          failures.push(`${themeName}: script URL kept: ${href}`);
        }
        const problem = compare(actual, template, (text) => text.replaceAll(PH, payload));
        if (problem) failures.push(`${themeName} ${JSON.stringify(payload)}: ${problem}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });
});

describe("XSS payloads through the client script's markup", () => {
  // What the browser script builds for messages it receives as data (X-Flash-Messages, HX-Trigger,
  // Flash.show()), where category, message and level all come from the response.
  function clientHtml(theme: ClientTheme, text: string, jsonText: string): string {
    const labels = { closeLabel: text, prefixes: { info: text, danger: text } };
    return [
      messageHtml(theme, { category: text, message: text, level: text }, labels, "flash-c1"),
      messageHtml(theme, { category: "error", message: { text: jsonText } }, labels, "flash-c2"),
    ].join("\n");
  }

  it("leaves every payload inert with every client theme", () => {
    const themes = Object.entries(clientThemes) as Array<[string, ClientTheme]>;
    expect(themes.map(([name]) => name)).toEqual(
      expect.arrayContaining(["bootstrap5", "bootstrap4", "tailwind", "plain"]),
    );
    const failures: string[] = [];
    for (const [themeName, theme] of themes) {
      const template = clientHtml(theme, PH, PH_JSON);
      const misplaced = checkPlaceholderPositions(template);
      if (misplaced) failures.push(`${themeName}: ${misplaced}`);
      for (const payload of payloads) {
        const problem = compare(clientHtml(theme, payload, payload), template, substituteFor(payload));
        if (problem) failures.push(`${themeName} ${JSON.stringify(payload)}: ${problem}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});

describe("XSS payloads through the Nunjucks helpers", () => {
  const flash = createFlash<FlashMap>({ store: memoryStore() });

  /** The template context of a request that holds `messages`, as res.locals would give a view. */
  function context(messages: Array<[string, unknown]>): object {
    const jar = flash.open(fakeRequest());
    jar.load();
    for (const [category, message] of messages) jar.flash(message as never, category as never);
    return { ...templateFunctions(jar) };
  }

  it("flash_messages() renders every payload inert with every theme", () => {
    const failures: string[] = [];
    for (const [themeName, theme] of themeList) {
      const env = addFlash(new nunjucks.Environment(null, { autoescape: true }), {
        render: { theme, messageId: (i: number) => `m${i}`, maxExpanded: 2 } as RenderOptions,
      });
      const template = nunjucks.compile("<main>{{ flash_messages() }}</main>", env);
      const expected = template.render(context(messagesWith(PH, PH_JSON)));
      const misplaced = checkPlaceholderPositions(expected);
      if (misplaced) failures.push(`${themeName}: ${misplaced}`);
      for (const payload of payloads) {
        const actual = template.render(context(messagesWith(payload, payload)));
        const problem = compare(actual, expected, substituteFor(payload));
        if (problem) failures.push(`${themeName} ${JSON.stringify(payload)}: ${problem}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it("a Flask template's {{ message }} and {{ category }} stay text and quoted attribute values", () => {
    const env = addFlash(new nunjucks.Environment(null, { autoescape: true }));
    const template = nunjucks.compile(
      "{% with messages = get_flashed_messages(with_categories=true) %}{% for category, message in messages %}" +
        `<div class="flash" data-category="{{ category }}" title='{{ message }}'><p>{{ message }}</p></div>` +
        "{% endfor %}{% endwith %}",
      env,
    );
    const expected = template.render(context([[PH, PH]]));
    const failures: string[] = [];
    for (const payload of payloads) {
      const actual = template.render(context([[payload, payload]]));
      const problem = compare(actual, expected, (text) => text.replaceAll(PH, payload));
      if (problem) failures.push(`${JSON.stringify(payload)}: ${problem}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});

describe("the tokenizer behind these checks", () => {
  it("sees an injected tag, a broken-out attribute and a double escape", () => {
    const template = `<div class="a" title="${PH}">${PH}</div>`;
    const sub = (text: string) => text.replaceAll(PH, "<b>");
    expect(compare(`<div class="a" title="&lt;b&gt;">&lt;b&gt;</div>`, template, sub)).toBeUndefined();
    expect(compare(`<div class="a" title="&lt;b&gt;"><b></div>`, template, sub)).toMatch(/markup differs/);
    expect(compare(`<div class="a" title="" onx="">&lt;b&gt;</div>`, template, sub)).toMatch(/markup differs/);
    expect(compare(`<div class="a" title="&amp;lt;b&amp;gt;">&lt;b&gt;</div>`, template, sub)).toMatch(/title differs/);
    expect(compare(`<div class="a" title="&lt;b&gt;">< b</div>`, template, sub)).toMatch(/raw "<"/);
    expect(checkPlaceholderPositions(`<div class="alert-${PH}">`)).toMatch(/class/);
  });
});
