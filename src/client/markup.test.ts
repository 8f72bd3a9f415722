import { describe, expect, it } from "vitest";
import { CATEGORY_LEVELS, flashLevel, renderFlashMessages, type ThemeName } from "../render/index.js";
import { escapeText, levelOf, messageHtml } from "./markup.js";
import { bootstrap4, bootstrap5, plain, tailwind } from "./themes.js";

const THEMES = { bootstrap5, bootstrap4, tailwind, plain };
const CATEGORIES = [...Object.keys(CATEGORY_LEVELS), "weird cat", " Error ", "SUCCESS", "__proto__", "constructor", ""];
const MESSAGES = ["Profile updated successfully!", `<img src=x onerror="alert('x')"> & more`, "Größe ✓ 日本 😀"];

/** The server's markup of one message, with a known id. */
function server(theme: ThemeName, category: string, message: unknown, options = {}): string {
  const html = renderFlashMessages([[category, message]], { ...options, theme, messageId: () => "t-1" });
  return html.slice(html.indexOf("\n") + 1, html.lastIndexOf("\n"));
}

describe.each(Object.entries(THEMES) as Array<[ThemeName, (typeof THEMES)[keyof typeof THEMES]]>)(
  "client theme %s",
  (name, theme) => {
    it("has the server theme's name", () => {
      expect(theme.name).toBe(name);
    });

    it.each(CATEGORIES)("renders category %j byte for byte as flashkit/render does", (category) => {
      for (const message of MESSAGES) {
        expect(messageHtml(theme, { category, message }, {}, "flash-t-1")).toBe(server(name, category, message));
      }
    });

    it("uses the level the server sent, and maps the category when it sent none or an unknown one", () => {
      const html = server(name, "error", "x");
      expect(messageHtml(theme, { category: "error", message: "x", level: "danger" }, {}, "flash-t-1")).toBe(html);
      expect(messageHtml(theme, { category: "error", message: "x", level: "bogus" }, {}, "flash-t-1")).toBe(html);
      expect(messageHtml(theme, { message: "x" }, {}, "flash-t-1")).toBe(server(name, "message", "x"));
    });

    it("renders JSON messages as their escaped JSON text", () => {
      for (const message of [42, null, true, ["<a>", 1], { title: "T", body: "'b'" }]) {
        expect(messageHtml(theme, { category: "info", message }, {}, "flash-t-1")).toBe(server(name, "info", message));
      }
    });

    it("takes the server's prefixes and close label", () => {
      const labels = { prefixes: { danger: "Fehler <!>: ", success: "OK: " }, closeLabel: 'Schließen "x"' };
      for (const category of ["error", "success", "info"]) {
        expect(messageHtml(theme, { category, message: "m" }, labels, "flash-t-1")).toBe(
          server(name, category, "m", labels),
        );
      }
    });

    it("makes the same <details> and <summary> as the server", () => {
      const four = renderFlashMessages(
        [1, 2, 3, 4].map((i) => ["info", `m${i}`] as [string, string]),
        { theme: name },
      );
      const details = /<details[^>]*>/.exec(four)![0];
      const summary = /<summary[^>]*>/.exec(four)![0];
      expect(theme.more).toBe(`${details}${summary}</summary></details>`);
    });
  },
);

describe("levelOf and escapeText", () => {
  it("map every category as flashLevel does", () => {
    for (const category of [...CATEGORIES, 42, null, undefined, { toString: () => "error" }]) {
      expect(levelOf(category)).toBe(flashLevel(category));
    }
  });

  it("escape with Jinja's entities", () => {
    expect(escapeText(`&<>"'`)).toBe("&amp;&lt;&gt;&#34;&#39;");
  });
});
