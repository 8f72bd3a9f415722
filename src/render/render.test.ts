import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  bootstrap5,
  CATEGORY_LEVELS,
  escapeHtml,
  flashLevel,
  isTrustedHtml,
  renderFlashMessages,
  type Theme,
  type ThemeMessage,
  trustedHtml,
} from "./index.js";

const EMPTY = '<div id="flash-messages" data-flash-container="" data-flash-theme="bootstrap5"></div>';
const CLOSE =
  '<button type="button" class="btn-close" data-bs-dismiss="alert" data-flash-close aria-label="Close"></button>';
const ids = { messageId: (i: number) => `m${i}` };

const XSS = [
  "<img src=x onerror=alert(1)>",
  '"><script>alert(1)</script>',
  "' onmouseover='alert(1)' x='",
  "</div><script>alert(document.cookie)</script>",
  "<svg/onload=alert(1)>",
  "&lt;script&gt; already escaped &amp;",
  "<!-- comment --><![CDATA[x]]>",
  '<a href="javascript:alert(1)">click</a>',
  "`$\u{7b}alert(1)}` {{ 7*7 }} {% raw %}",
];

describe("escapeHtml", () => {
  it("escapes exactly & < > \" ' with Jinja's entities", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&#34;&#39;");
    expect(escapeHtml("plain ünï 日本 😀 \\ / = `")).toBe("plain ünï 日本 😀 \\ / = `");
    expect(escapeHtml("")).toBe("");
  });

  it.each(XSS)("leaves no markup in %s", (input) => {
    const out = escapeHtml(input);
    expect(out).not.toMatch(/[<>"']/);
    expect(out.replace(/&(amp|lt|gt|#34|#39);/g, "")).not.toContain("&lt");
  });

  it("rejects non-strings", () => {
    expect(() => escapeHtml(1 as unknown as string)).toThrow(TypeError);
  });
});

describe("renderFlashMessages", () => {
  it("always emits the container, even with no messages", () => {
    expect(renderFlashMessages([])).toBe(EMPTY);
    expect(renderFlashMessages(new Set<[string, unknown]>())).toBe(EMPTY);
  });

  it("renders one Bootstrap 5 alert per message inside the container", () => {
    expect(renderFlashMessages([["success", "Profile updated successfully!"]], ids)).toBe(
      '<div id="flash-messages" data-flash-container="" data-flash-theme="bootstrap5">\n' +
        '<div class="alert alert-success alert-dismissible fade show text-break" role="status" id="flash-m0" data-flash-message data-flash-level="success">' +
        `<span class="visually-hidden">Success: </span>Profile updated successfully!${CLOSE}</div>\n` +
        "</div>",
    );
    const html = renderFlashMessages([
      ["error", "a"],
      ["info", "b"],
    ]);
    expect(html.match(/class="alert /g)).toHaveLength(2);
    expect(html.indexOf(">a<")).toBeLessThan(html.indexOf(">b<"));
  });

  it.each([
    ["success", "success", "status", "Success: "],
    ["info", "info", "status", "Info: "],
    ["message", "info", "status", "Info: "],
    ["notice", "info", "status", "Info: "],
    ["warning", "warning", "status", "Warning: "],
    ["warn", "warning", "status", "Warning: "],
    ["error", "danger", "alert", "Error: "],
    ["danger", "danger", "alert", "Error: "],
    ["critical", "danger", "alert", "Error: "],
    ["alert", "danger", "alert", "Error: "],
    ["primary", "primary", "status", "Notice: "],
    ["secondary", "secondary", "status", "Notice: "],
    ["light", "light", "status", "Notice: "],
    ["dark", "dark", "status", "Notice: "],
    [" Error ", "danger", "alert", "Error: "],
    ["SUCCESS", "success", "status", "Success: "],
  ])("maps category %j to alert-%s, role=%s, prefix %j", (category, level, role, prefix) => {
    const html = renderFlashMessages([[category, "x"]]);
    expect(html).toMatch(
      new RegExp(
        `class="alert alert-${level} alert-dismissible fade show text-break" role="${role}" id="flash-[\\w-]+" data-flash-message data-flash-level="${level}"`,
      ),
    );
    expect(html).toContain(`<span class="visually-hidden">${prefix}</span>x`);
    expect(flashLevel(category)).toBe(level);
  });

  it("has a mapping table of Bootstrap colour names only", () => {
    const colours = ["primary", "secondary", "success", "danger", "warning", "info", "light", "dark"];
    for (const level of Object.values(CATEGORY_LEVELS)) expect(colours).toContain(level);
    expect(Object.isFrozen(CATEGORY_LEVELS)).toBe(true);
  });

  it.each([
    "weird cat",
    '"><script>alert(1)</script>',
    "alert-danger onclick=alert(1)",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "",
  ])("renders unknown category %j safely as info, never as a class name", (category) => {
    const html = renderFlashMessages([[category, "msg"]]);
    expect(html).toContain('class="alert alert-info alert-dismissible fade show text-break" role="status"');
    if (category.length > 3) expect(html).not.toContain(category);
    expect(flashLevel(category)).toBe("info");
  });

  it("maps non-string categories to info", () => {
    expect(flashLevel(42)).toBe("info");
    expect(flashLevel(null)).toBe("info");
    expect(renderFlashMessages([[{ toString: () => "error" } as unknown as string, "x"]])).toContain("alert-info");
  });

  it.each(XSS)("escapes message %s", (message) => {
    const html = renderFlashMessages([["error", message]]);
    expect(html).toContain(`</span>${escapeHtml(message)}<button`);
    const inner = html.slice(html.indexOf("</span>") + 7, html.indexOf("<button"));
    expect(inner).not.toMatch(/[<>"']/);
  });

  it("renders non-string messages as their escaped JSON text", () => {
    const cases: Array<[unknown, string]> = [
      [42, "42"],
      [true, "true"],
      [null, "null"],
      [["<a>", 1], "[&#34;&lt;a&gt;&#34;,1]"],
      [
        { title: "Saved", body: "<b>'x'</b>" },
        "{&#34;title&#34;:&#34;Saved&#34;,&#34;body&#34;:&#34;&lt;b&gt;&#39;x&#39;&lt;/b&gt;&#34;}",
      ],
      [{ html: "<b>not trusted</b>" }, "{&#34;html&#34;:&#34;&lt;b&gt;not trusted&lt;/b&gt;&#34;}"],
    ];
    for (const [message, text] of cases) {
      expect(renderFlashMessages([["info", message]])).toContain(`</span>${text}<button`);
    }
  });

  it("outputs trustedHtml unescaped, and only trustedHtml", () => {
    const trusted = trustedHtml('Saved. <a href="/undo">Undo</a>');
    expect(renderFlashMessages([["success", trusted]])).toContain('</span>Saved. <a href="/undo">Undo</a><button');
    expect(isTrustedHtml(trusted)).toBe(true);
    expect(String(trusted)).toBe('Saved. <a href="/undo">Undo</a>');
    expect(Object.isFrozen(trusted)).toBe(true);
    // The mark is not data: a lookalike or a JSON round trip is escaped.
    const lookalike = JSON.parse(JSON.stringify(trusted)) as unknown;
    expect(isTrustedHtml(lookalike)).toBe(false);
    expect(renderFlashMessages([["success", lookalike]])).not.toContain("<a href");
    expect(() => trustedHtml(1 as unknown as string)).toThrow(TypeError);
  });

  it("formats messages with `format`: text escaped, trustedHtml as is", () => {
    const format = (message: unknown, category: string) =>
      category === "undo"
        ? trustedHtml(`<a href="/undo">${escapeHtml(String(message))}</a>`)
        : `${category}: ${String((message as { title?: string }).title ?? message)}`;
    const html = renderFlashMessages(
      [
        ["undo", "Undo <it>"],
        ["info", { title: "<T>" }],
      ],
      { format },
    );
    expect(html).toContain('<a href="/undo">Undo &lt;it&gt;</a>');
    expect(html).toContain("</span>info: &lt;T&gt;<button");
  });

  it("takes prefixes and the close label as options, escaped", () => {
    const html = renderFlashMessages([["error", "x"]], {
      prefixes: { danger: "Fehler <!>: " },
      closeLabel: 'Schließen "x"',
    });
    expect(html).toContain('<span class="visually-hidden">Fehler &lt;!&gt;: </span>');
    expect(html).toContain('aria-label="Schließen &#34;x&#34;"');
  });

  it("hands a theme only mapped, escaped values", () => {
    const seen: ThemeMessage[] = [];
    const theme: Theme = {
      name: "spy",
      message(m) {
        seen.push(m);
        return `<p class="flash-${m.level}">${m.prefixHtml}${m.html}</p>`;
      },
    };
    const html = renderFlashMessages([["weird <cat>", "<b>"]], { theme, ...ids });
    expect(seen).toEqual([
      {
        level: "info",
        role: "status",
        id: "flash-m0",
        prefixHtml: "Info: ",
        showPrefix: false,
        html: "&lt;b&gt;",
        close: "always",
        closeLabelHtml: "Close",
        closeHrefHtml: "",
      },
    ]);
    expect(html).toBe(
      `<div id="flash-messages" data-flash-container="" data-flash-theme="spy">\n<p class="flash-info">Info: &lt;b&gt;</p>\n</div>`,
    );
  });

  it("rejects entries that are not [category, message] pairs", () => {
    expect(() => renderFlashMessages(["just a message"] as unknown as [string, unknown][])).toThrow(
      /withCategories: true/,
    );
  });

  it("uses only classes that Bootstrap 5's CSS defines", () => {
    const require = createRequire(import.meta.url);
    const css = readFileSync(require.resolve("bootstrap/dist/css/bootstrap.css"), "utf8");
    for (const name of ["alert", "alert-dismissible", "fade", "show", "btn-close", "visually-hidden"]) {
      expect(css).toContain(`.${name}`);
    }
    for (const level of new Set(Object.values(CATEGORY_LEVELS))) expect(css).toContain(`.alert-${level} {`);
    expect(bootstrap5.name).toBe("bootstrap5");
  });
});
