import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  bootstrap4,
  bootstrap5,
  type CloseMode,
  escapeHtml,
  type FlashLevel,
  MIN_AUTO_DISMISS_MS,
  PLAIN_CSS,
  PLAIN_PALETTE,
  plain,
  type RenderOptions,
  renderFlashMessages,
  TAILWIND_CLASSES,
  type Theme,
  tailwind,
  themes,
  trustedHtml,
} from "./index.js";

const LEVELS: FlashLevel[] = ["primary", "secondary", "success", "danger", "warning", "info", "light", "dark"];
const CATEGORY_OF: Record<FlashLevel, string> = {
  primary: "primary",
  secondary: "secondary",
  success: "success",
  danger: "error",
  warning: "warning",
  info: "message",
  light: "light",
  dark: "dark",
};
const CLOSE_MODES: CloseMode[] = ["always", "js", "link", "none"];
const THEMES = Object.entries(themes) as Array<[string, Theme]>;
const XSS = [
  "<img src=x onerror=alert(1)>",
  '"><script>alert(1)</script>',
  "' onmouseover='alert(1)' x='",
  "</div></details><script>alert(document.cookie)</script>",
  '<a href="javascript:alert(1)">click</a>',
  "javascript:alert(1)",
  "<svg/onload=alert(1)>",
  "&lt;already&gt; &amp;",
  "</template></turbo-stream><script>x</script>",
  "\u2028<!--",
];
const ids = (prefix = "m") => ({ messageId: (i: number) => `${prefix}${i}` });

/** Every opening tag of `html`, as [tag name, attribute string]. */
function tags(html: string): Array<[string, string]> {
  return [...html.matchAll(/<([a-z][a-z-]*)((?:\s[^>]*)?)>/g)].map((m) => [m[1]!, m[2] ?? ""]);
}

/** The class names in every `class` attribute of `html`. */
function classNames(html: string): Set<string> {
  const names = new Set<string>();
  for (const m of html.matchAll(/\sclass="([^"]*)"/g)) for (const name of m[1]!.split(/\s+/)) if (name) names.add(name);
  return names;
}

/** Every message root element (the tag carrying data-flash-message). */
function messageTags(html: string): string[] {
  return tags(html)
    .filter(([, attrs]) => /\sdata-flash-message(?=[\s>]|$)/.test(attrs))
    .map(([, attrs]) => attrs);
}

/** Renders every level in every close mode, with and without visible prefixes and overflow. */
function everyVariant(theme: Theme): string {
  const all = LEVELS.map((level) => [CATEGORY_OF[level], `text ${level}`] as [string, string]);
  const out: string[] = [];
  for (const close of CLOSE_MODES) {
    for (const showPrefix of [false, true]) {
      out.push(renderFlashMessages(all, { theme, close, showPrefix, closeHref: "/here", maxExpanded: 2 }));
    }
  }
  return out.join("\n");
}

describe.each(THEMES)("theme %s", (name, theme) => {
  const render = (messages: Array<[string, unknown]>, options: RenderOptions = {}) =>
    renderFlashMessages(messages, { theme, ...ids(), ...options });

  it("is exported by name and in `themes`, frozen", () => {
    expect(theme.name).toBe(name);
    expect(Object.isFrozen(theme)).toBe(true);
    expect(render([], { theme: name as keyof typeof themes })).toBe(render([]));
  });

  it("always renders the container, with the theme's name", () => {
    expect(render([])).toBe(`<div id="flash-messages" data-flash-container="" data-flash-theme="${name}"></div>`);
    const html = render([["success", "x"]]);
    expect(html.startsWith(`<div id="flash-messages" data-flash-container="" data-flash-theme="${name}">\n`)).toBe(
      true,
    );
    expect(html.endsWith("\n</div>")).toBe(true);
  });

  it.each(LEVELS)("marks a %s message with role, unique id, data-flash-message and level", (level) => {
    const html = render([[CATEGORY_OF[level], "x"]]);
    const [attrs, ...rest] = messageTags(html);
    expect(rest).toEqual([]);
    const role = level === "danger" ? "alert" : "status";
    expect(attrs).toContain(` role="${role}" id="flash-m0" data-flash-message data-flash-level="${level}"`);
    // Colour is not the only signal: the prefix text is there.
    expect(html).toMatch(/(Error|Success|Warning|Info|Notice): </);
  });

  it("is visible without JavaScript: nothing hidden but the js-only close button", () => {
    const html = everyVariant(theme);
    for (const [tag, attrs] of tags(html)) {
      if (/\shidden(?=[\s>]|$)/.test(attrs)) {
        expect(tag).toBe("button");
        expect(attrs).toContain('data-flash-close="js"');
      }
      expect(attrs).not.toMatch(/style=|aria-hidden="true"[^>]*data-flash-message/);
    }
    // Bootstrap's fade is opacity 0 without show: they always come together.
    for (const cls of tags(html).map(([, attrs]) => /class="([^"]*)"/.exec(attrs)?.[1] ?? "")) {
      const list = cls.split(" ");
      if (list.includes("fade")) expect(list).toContain("show");
      expect(list).not.toContain("d-none");
      expect(list).not.toContain("hidden");
    }
  });

  it.each(CLOSE_MODES)("renders the close control in mode %s", (close) => {
    const html = render(
      [
        ["error", "a"],
        ["info", "b"],
      ],
      { close, closeHref: "/page?x=1&y=2", closeLabel: "Dismiss" },
    );
    const controls = tags(html).filter(([, attrs]) => /\sdata-flash-close/.test(attrs));
    if (close === "none") {
      expect(controls).toEqual([]);
      return;
    }
    expect(controls).toHaveLength(2);
    for (const [tag, attrs] of controls) {
      expect(attrs).toContain('aria-label="Dismiss"');
      if (close === "link") {
        expect(tag).toBe("a");
        expect(attrs).toContain('href="/page?x=1&amp;y=2"');
        expect(attrs).toContain('data-flash-close="link"');
      } else {
        expect(tag).toBe("button");
        expect(attrs).toContain('type="button"');
        expect(attrs).toMatch(close === "js" ? /data-flash-close="js" .*\shidden$/ : /data-flash-close aria-label/);
      }
    }
  });

  it("puts the messages past maxExpanded into <details data-flash-more>, dropping none", () => {
    const messages = Array.from({ length: 6 }, (_, i) => ["info", `msg ${i}`] as [string, string]);
    const html = render(messages);
    const [shown, more] = html.split("<details data-flash-more");
    expect(messageTags(shown!)).toHaveLength(3);
    expect(more).toMatch(/^( class="[^"]*")?><summary( class="[^"]*")?>3 more messages<\/summary>\n/);
    expect(messageTags(more!)).toHaveLength(3);
    expect(more!.endsWith("\n</details>\n</div>")).toBe(true);
    for (let i = 0; i < 6; i++) expect(html).toContain(`msg ${i}`);
    expect(render(messages.slice(0, 3))).not.toContain("<details");
    expect(render(messages.slice(0, 4))).toContain(">1 more message</summary>");
    expect(render(messages, { maxExpanded: Number.POSITIVE_INFINITY })).not.toContain("<details");
    expect(render(messages, { maxExpanded: 0 })).toMatch(
      /^<div id="flash-messages" [^>]*>\n<details data-flash-more[^>]*><summary[^>]*>6 more messages<\/summary>/,
    );
    expect(render(messages, { moreLabel: (n) => `+${n} <weitere>` })).toContain(">+3 &lt;weitere&gt;</summary>");
  });

  it("shows the prefix in bold with showPrefix", () => {
    const html = render([["error", "x"]], { showPrefix: true });
    expect(html).toMatch(/<strong( class="[^"]*")?>Error: <\/strong>x|<span class="font-semibold">Error: <\/span>/);
  });

  it("collapses duplicates (same category, same content) unless told not to", () => {
    const messages: Array<[string, unknown]> = [
      ["error", "Bad"],
      ["error", "Bad"],
      ["warning", "Bad"],
      ["error", "Bad "],
      ["info", { a: 1 }],
      ["info", { a: 1 }],
      ["info", "Bad"],
    ];
    expect(messageTags(render(messages, { maxExpanded: 9 }))).toHaveLength(5);
    expect(messageTags(render(messages, { maxExpanded: 9, collapseDuplicates: false }))).toHaveLength(7);
  });

  it.each(XSS)("renders the message %j as text: same markup as a harmless one", (payload) => {
    const safe = render([["error", "MARKER"]]).replace("MARKER", escapeHtml(payload));
    expect(render([["error", payload]])).toBe(safe);
    expect(render([["error", payload]], { close: "link", showPrefix: true })).toBe(
      render([["error", "MARKER"]], { close: "link", showPrefix: true }).replace("MARKER", escapeHtml(payload)),
    );
  });

  it.each(XSS)("never lets the category %j into the markup", (payload) => {
    expect(render([[payload, "x"]])).toBe(render([["info", "x"]]));
    expect(render([[`error ${payload}`, "x"]])).toBe(render([["info", "x"]]));
  });

  it.each(XSS)("escapes %j in labels, prefixes and the close link", (payload) => {
    const options: RenderOptions = {
      closeLabel: payload,
      prefixes: { info: payload },
      moreLabel: () => payload,
      close: "link",
      closeHref: `/p?q=${payload}`.replace(/javascript:/g, ""),
      maxExpanded: 0,
    };
    const html = render([["info", "x"]], options);
    const marker = render([["info", "x"]], {
      ...options,
      closeLabel: "L",
      prefixes: { info: "P" },
      moreLabel: () => "M",
      closeHref: "/H",
    });
    expect(html).toBe(
      marker
        .replace('aria-label="L"', `aria-label="${escapeHtml(payload)}"`)
        .replace(">P<", `>${escapeHtml(payload)}<`)
        .replace(">M<", `>${escapeHtml(payload)}<`)
        .replace('href="/H"', `href="${escapeHtml(options.closeHref!)}"`),
    );
  });

  it("passes trusted markup through and escapes everything else", () => {
    const html = render([
      ["success", trustedHtml('<a href="/undo">Undo</a>')],
      ["success", '<a href="/undo">Undo</a>'],
    ]);
    expect(html).toContain('<a href="/undo">Undo</a>');
    expect(html).toContain("&lt;a href=&#34;/undo&#34;&gt;Undo&lt;/a&gt;");
  });
});

describe("ids", () => {
  it("are unique across renders by default", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      for (const attrs of messageTags(
        renderFlashMessages([
          ["info", "a"],
          ["info", "b"],
        ]),
      )) {
        const id = /id="(flash-[^"]+)"/.exec(attrs)![1]!;
        expect(id).toMatch(/^flash-[0-9a-f]{8}-[0-9a-z]+$/);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
  });

  it("come from messageId when given, which must return a safe token", () => {
    expect(renderFlashMessages([["info", "a"]], ids("t"))).toContain('id="flash-t0"');
    for (const bad of ["a b", '"><x', "", "ü"]) {
      expect(() => renderFlashMessages([["info", "a"]], { messageId: () => bad })).toThrow(TypeError);
    }
    expect(() => renderFlashMessages([["info", "a"]], { messageId: () => 1 as unknown as string })).toThrow(TypeError);
  });
});

describe("options", () => {
  it("sets data-flash-autodismiss on the container when asked", () => {
    expect(renderFlashMessages([], { autoDismiss: true })).toBe(
      '<div id="flash-messages" data-flash-container="" data-flash-theme="bootstrap5" data-flash-autodismiss=""></div>',
    );
    expect(renderFlashMessages([], { autoDismiss: 8000 })).toContain(' data-flash-autodismiss="8000">');
    expect(renderFlashMessages([], { autoDismiss: MIN_AUTO_DISMISS_MS })).toContain('data-flash-autodismiss="5000"');
    expect(renderFlashMessages([], { autoDismiss: false })).not.toContain("autodismiss");
    for (const bad of [4999, 0, -1, 5000.5, Number.NaN, Number.POSITIVE_INFINITY, "6000"]) {
      expect(() => renderFlashMessages([], { autoDismiss: bad as number })).toThrow(TypeError);
    }
  });

  it("rejects bad close modes, maxExpanded and theme names", () => {
    expect(() => renderFlashMessages([["info", "x"]], { close: "sometimes" as CloseMode })).toThrow(/close must be/);
    for (const bad of [-1, 1.5, Number.NaN, "3"]) {
      expect(() => renderFlashMessages([["info", "x"]], { maxExpanded: bad as number })).toThrow(TypeError);
    }
    expect(() => renderFlashMessages([], { theme: "bootstrap3" as "plain" })).toThrow(/unknown theme "bootstrap3"/);
    expect(() => renderFlashMessages([], { theme: "__proto__" as "plain" })).toThrow(TypeError);
    expect(() => renderFlashMessages([], { theme: {} as Theme })).toThrow(TypeError);
  });

  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\u0001javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:x",
    "https://example.com/x",
    "//evil.example/x",
    " //evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
  ])("rejects the close link %j", (closeHref) => {
    expect(() => renderFlashMessages([["info", "x"]], { close: "link", closeHref })).toThrow(TypeError);
  });

  it.each([
    ["", 'href=""'],
    ["/p?a=1&b=2", 'href="/p?a=1&amp;b=2"'],
    ['/p?q="><script>', 'href="/p?q=&#34;&gt;&lt;script&gt;"'],
    ["/a//b", 'href="/a//b"'],
    ["?page=2#top", 'href="?page=2#top"'],
  ])("takes the close link %j", (closeHref, attribute) => {
    expect(renderFlashMessages([["info", "x"]], { close: "link", closeHref })).toContain(attribute);
  });
});

describe("Bootstrap themes", () => {
  const require = createRequire(import.meta.url);
  const bootstrapCss = {
    bootstrap5: readFileSync(require.resolve("bootstrap/dist/css/bootstrap.css"), "utf8"),
    bootstrap4: readFileSync(require.resolve("bootstrap4/dist/css/bootstrap.css"), "utf8"),
  };

  it.each([
    ["bootstrap5", bootstrap5],
    ["bootstrap4", bootstrap4],
  ] as const)("%s uses only classes its Bootstrap defines", (name, theme) => {
    const css = bootstrapCss[name];
    for (const cls of classNames(everyVariant(theme))) expect(css, cls).toMatch(new RegExp(`\\.${cls}[\\s,.:{]`));
  });

  it("bootstrap4 has the tutorial's close button and sr-only text", () => {
    expect(renderFlashMessages([["error", "Bad"]], { theme: "bootstrap4", ...ids() })).toBe(
      '<div id="flash-messages" data-flash-container="" data-flash-theme="bootstrap4">\n' +
        '<div class="alert alert-danger alert-dismissible fade show text-break" role="alert" id="flash-m0" data-flash-message data-flash-level="danger">' +
        '<span class="sr-only">Error: </span>Bad' +
        '<button type="button" class="close" data-dismiss="alert" data-flash-close aria-label="Close">' +
        '<span aria-hidden="true">&times;</span></button></div>\n</div>',
    );
  });

  it("bootstrap5 drops alert-dismissible when there is no close control", () => {
    const html = renderFlashMessages([["info", "x"]], { close: "none" });
    expect(html).toContain('class="alert alert-info fade show text-break"');
    expect(html).not.toContain("btn-close");
  });

  it("a close link keeps Bootstrap's dismiss attribute, so Bootstrap's JS closes in place", () => {
    expect(renderFlashMessages([["info", "x"]], { close: "link", closeHref: "/" })).toContain(
      '<a href="/" class="btn-close" data-bs-dismiss="alert" data-flash-close="link" aria-label="Close"></a>',
    );
  });
});

describe("tailwind theme", () => {
  it("emits only classes listed as complete literals in TAILWIND_CLASSES", () => {
    const table = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === "string") for (const name of value.split(" ")) table.add(name);
      else if (value && typeof value === "object") for (const v of Object.values(value)) collect(v);
    };
    collect(TAILWIND_CLASSES);
    const emitted = classNames(everyVariant(tailwind));
    for (const name of emitted) expect(table, name).toContain(name);
    // Transitions only for users who have not asked for reduced motion.
    for (const name of table) if (/transition|duration|animate/.test(name)) expect(name).toMatch(/^motion-safe:/);
    // Each literal is in the source as written, for Tailwind's scanner.
    const source = readFileSync(new URL("./tailwind.ts", import.meta.url), "utf8");
    for (const name of table) expect(source).toContain(name);
  });
});

describe("plain theme", () => {
  it("uses only classes its stylesheet defines", () => {
    for (const name of classNames(everyVariant(plain))) expect(PLAIN_CSS, name).toContain(`.${name}`);
  });

  it("ships the stylesheet as a file identical to PLAIN_CSS (dist/render/plain.css, written by npm run build)", () => {
    const file = new URL("../../dist/render/plain.css", import.meta.url);
    expect(existsSync(file), "dist/render/plain.css is missing: run `npm run build` first (npm test does)").toBe(true);
    expect(readFileSync(file, "utf8")).toBe(PLAIN_CSS);
  });

  it("has AAA text contrast and a focus ring in the text colour", () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => {
        const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    for (const level of LEVELS) {
      const { text, background } = PLAIN_PALETTE[level];
      expect(contrast(text, background), level).toBeGreaterThanOrEqual(7);
      expect(PLAIN_CSS).toContain(`.flash-${level} {\n  color: ${text};\n  background: ${background};`);
    }
    expect(PLAIN_CSS).toMatch(/\.flash-close:focus-visible,[^{]*\{\s*outline: 3px solid currentColor;/);
  });

  it("animates only without a reduced-motion preference", () => {
    const outside = PLAIN_CSS.replace(/@media \(prefers-reduced-motion: no-preference\) \{[\s\S]*?\n\}\n/, "");
    expect(outside).not.toBe(PLAIN_CSS);
    expect(outside).not.toMatch(/transition|animation/);
  });

  it("renders semantic markup", () => {
    expect(renderFlashMessages([["warning", "Careful"]], { theme: plain, ...ids() })).toBe(
      '<div id="flash-messages" data-flash-container="" data-flash-theme="plain">\n' +
        '<div class="flash flash-warning" role="status" id="flash-m0" data-flash-message data-flash-level="warning">' +
        '<div class="flash-body"><span class="flash-visually-hidden">Warning: </span>Careful</div>' +
        '<button type="button" class="flash-close" data-flash-close aria-label="Close"><span aria-hidden="true">&times;</span></button>' +
        "</div>\n</div>",
    );
  });
});
