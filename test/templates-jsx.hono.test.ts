/**
 * flashkit/jsx: one `<FlashMessages>` for React 19 (`renderToString`) and Hono's JSX (`toString()`,
 * `c.html()`), whose output equals `renderFlashMessages()` byte for byte. The pages in
 * fixtures/views/jsx-*.jsx use real JSX syntax, compiled by Vitest for each runtime.
 */
import { Hono } from "hono";
import { jsx } from "hono/jsx";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  type CloseMode,
  type RenderOptions,
  renderFlashMessages,
  renderOobFragment,
  type ThemeName,
  themes,
} from "../src/render/index.js";
import { createFlashComponents, type FlashMessagesProps } from "../src/templates/jsx.js";

const MESSAGES: Array<[string, unknown]> = [
  ["error", "<img src=x onerror=alert(1)>"],
  ["error", '"><script>alert(1)</script>'],
  ["info", '<a href="javascript:alert(1)">x</a>'],
  ['"><script>alert(1)</script>', "category breaks out?"],
  ["success", "ünï 日本 😀 & <b> {x} `="],
  ["warning", { title: "structured", body: "</div>" }],
];
const ids: RenderOptions = { messageId: (i) => `x${i}` };

const react = createFlashComponents(createElement);
const hono = createFlashComponents(jsx);
const runtimes = [
  ["React 19 renderToString", (props: FlashMessagesProps) => renderToString(createElement(react.FlashMessages, props))],
  ["Hono JSX toString", (props: FlashMessagesProps) => String(jsx(hono.FlashMessages as never, props as never))],
] as const;

const variants: RenderOptions[] = [
  {},
  { close: "js" },
  { close: "link", closeHref: '/page?a=1&b="2"' },
  { close: "none", showPrefix: true },
  { autoDismiss: true, maxExpanded: 2 },
  { autoDismiss: 7000, maxExpanded: 0, moreLabel: (n) => `<${n}> more` },
  { collapseDuplicates: false, closeLabel: '"Close" <x>' },
];

describe.each(runtimes)("<FlashMessages> with %s", (_name, render) => {
  it.each(Object.keys(themes) as ThemeName[])("equals renderFlashMessages() for theme %s", (theme) => {
    for (const variant of variants) {
      const options = { ...ids, theme, ...variant };
      expect(render({ messages: MESSAGES, ...options })).toBe(renderFlashMessages(MESSAGES, options));
    }
  });

  it("renders the empty container", () => {
    expect(render({ messages: [], ...ids })).toBe(renderFlashMessages([], ids));
  });

  it("renders the htmx out-of-band fragment with oob, nothing when there are no messages", () => {
    expect(render({ messages: MESSAGES, oob: true, ...ids })).toBe(renderOobFragment(MESSAGES, ids));
    expect(render({ messages: MESSAGES, oob: true, ...ids })).toMatch(
      /^<div hx-swap-oob="beforeend:#flash-messages">\n<div class="alert/,
    );
    const tailwind = { ...ids, theme: "tailwind" as const, maxExpanded: 2 };
    expect(render({ messages: MESSAGES, oob: true, ...tailwind })).toBe(renderOobFragment(MESSAGES, tailwind));
    expect(render({ messages: [], oob: true, ...ids })).toBe("");
    expect(renderOobFragment([], ids)).toBe("");
  });

  it("escapes every message and keeps categories out of the markup", () => {
    const html = render({ messages: MESSAGES, ...ids, close: "always" as CloseMode });
    expect(html).not.toMatch(/<img|<script|<a href|<\/div><\/div>/);
  });
});

describe("JSX syntax", () => {
  const fixture = (name: string) => new URL(`./fixtures/views/${name}`, import.meta.url).href;
  type PageModule = { Page: (props: Record<string, unknown>) => unknown };
  const options = { ...ids, theme: "tailwind" };

  it("works in a React page rendered with renderToString", async () => {
    const { Page } = (await import(fixture("jsx-react.jsx"))) as PageModule;
    const html = renderToString(
      createElement(Page as never, { FlashMessages: react.FlashMessages, messages: MESSAGES, options } as never),
    );
    expect(html).toContain(`<body>${renderFlashMessages(MESSAGES, options as RenderOptions)}<main>after</main></body>`);
  });

  it("works in a Hono page sent with c.html()", async () => {
    const { Page } = (await import(fixture("jsx-hono.jsx"))) as PageModule;
    const app = new Hono();
    app.get("/", (c) =>
      c.html(Page({ FlashMessages: hono.FlashMessages, messages: MESSAGES, options }) as Parameters<typeof c.html>[0]),
    );
    const res = await app.request("/");
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain(
      `<body>${renderFlashMessages(MESSAGES, options as RenderOptions)}<main>after</main></body>`,
    );
  });
});

describe("createFlashComponents", () => {
  it("rejects a missing createElement", () => {
    expect(() => createFlashComponents(undefined as never)).toThrow(TypeError);
  });

  it("rejects bad renderer options as the renderer does", () => {
    expect(() => react.FlashMessages({ messages: [], theme: "nope" as ThemeName })).toThrow(TypeError);
  });
});
