/**
 * The pure renderer: `[category, message]` pairs in, one HTML string out.
 */
import { bootstrap4 } from "./bootstrap4.js";
import { bootstrap5 } from "./bootstrap5.js";
import { escapeHtml, isTrustedHtml, type TrustedHtml } from "./escape.js";
import { plain } from "./plain.js";
import { tailwind } from "./tailwind.js";
import {
  type CloseMode,
  DEFAULT_PREFIXES,
  defaultMore,
  type FlashLevel,
  flashLevel,
  type Theme,
  type ThemeMessage,
} from "./theme.js";

/** The id of the container every renderer emits. */
export const CONTAINER_ID = "flash-messages";

/**
 * The built-in themes by name: `bootstrap5` (the default), `bootstrap4`, `tailwind`, `plain`.
 *
 * @example
 * renderFlashMessages(messages, { theme: themes.tailwind }); // or { theme: "tailwind" }
 */
export const themes = Object.freeze({ bootstrap5, bootstrap4, tailwind, plain });

/** The name of a built-in theme. */
export type ThemeName = keyof typeof themes;

/** The shortest auto-dismiss delay: 5 s, so that a message can be read (WCAG 2.2.1). */
export const MIN_AUTO_DISMISS_MS = 5000;

const CLOSE_MODES: readonly CloseMode[] = ["always", "js", "link", "none"];
const ID_SUFFIX = /^[A-Za-z0-9_-]+$/;

/** Options of {@link renderFlashMessages}. */
export interface RenderOptions {
  /**
   * The markup of each message: a {@link Theme} or the name of a built-in one.
   * @default bootstrap5
   * @example
   * { theme: "tailwind" }
   */
  theme?: Theme | ThemeName | undefined;
  /**
   * The text before a message, per level (escaped on output), so that colour is not the only signal.
   * @default DEFAULT_PREFIXES ("Error: ", "Success: ", ...)
   */
  prefixes?: Partial<Record<FlashLevel, string>> | undefined;
  /**
   * Show the prefix (`true`: in bold, before the message) or keep it for screen readers only
   * (`false`: visually hidden).
   * @default false
   */
  showPrefix?: boolean | undefined;
  /**
   * The accessible name of the close control (escaped on output).
   * @default "Close"
   */
  closeLabel?: string | undefined;
  /**
   * The close control: `"always"` a button; `"js"` a hidden button the client script reveals;
   * `"link"` a link to {@link RenderOptions.closeHref} that loads the page again (works without
   * JavaScript: the message was consumed, so it is gone); `"none"` no control.
   * @default "always"
   */
  close?: CloseMode | undefined;
  /**
   * Where the close link of `close: "link"` goes. A reference on this site only (`/inbox`,
   * `?page=2`): a scheme (`https:`, `javascript:`) or a protocol-relative form (`//host`, `/\\host`)
   * throws a `TypeError`. Keep the default rather than passing the request's URL, which a client
   * can make protocol-relative (`GET //evil.example/`).
   * @default "" (the current page, query string included)
   * @example
   * renderFlashMessages(messages, { close: "link", closeHref: "/inbox" });
   */
  closeHref?: string | undefined;
  /**
   * How many messages are shown; the rest go into a `<details data-flash-more>` (reachable
   * without JavaScript, nothing dropped). `Infinity` shows all.
   * @default 3
   */
  maxExpanded?: number | undefined;
  /**
   * The summary of the `<details>` holding the messages past `maxExpanded` (escaped on output).
   * @default (n) => `${n} more message${n === 1 ? "" : "s"}`
   */
  moreLabel?: ((count: number) => string) | undefined;
  /**
   * Opt the page into auto-dismissing success and info messages (done by the client script,
   * which pauses on hover, focus and hidden tabs): `true` for the default delay (6 s), or a delay
   * in milliseconds, at least {@link MIN_AUTO_DISMISS_MS}. Sets `data-flash-autodismiss` on the
   * container.
   * @default false
   */
  autoDismiss?: boolean | number | undefined;
  /**
   * Collapse messages with the same category and the same content into one.
   * @default true
   */
  collapseDuplicates?: boolean | undefined;
  /**
   * The unique part of each message's `id` (`flash-<this>`), from its index in this render:
   * letters, digits, `_` and `-` only. For deterministic output in tests.
   * @default a random per-process part and a counter, unique across renders and processes
   * @example
   * renderFlashMessages(messages, { messageId: (i) => `m${i}` }); // id="flash-m0", ...
   */
  messageId?: ((index: number) => string) | undefined;
  /**
   * Turns a message into text (escaped on output) or {@link TrustedHtml} (output as is). The
   * place to render structured messages such as `{ title, body }`.
   * @default a string as it is, any other value as its JSON text
   * @example
   * format: (m, category) => category === "undo" ? trustedHtml(`Deleted. <a href="/undo">Undo</a>`) : String(m)
   */
  format?: ((message: unknown, category: string) => string | TrustedHtml) | undefined;
}

/** What `getFlashedMessages({ withCategories: true })` returns. */
export type CategorizedMessages = Iterable<readonly [category: string, message: unknown]>;

/**
 * Renders flash messages as HTML: always one
 * `<div id="flash-messages" data-flash-container="" data-flash-theme="…">` (empty when there is
 * nothing to show, so htmx, Turbo and scripts have a target) holding one alert per message.
 * Every message is HTML-escaped unless it is {@link TrustedHtml}; categories reach class names
 * only through the level mapping (`error` → `danger`, unknown → `info`); `role="alert"` for
 * danger, `role="status"` otherwise; a prefix per level; a unique `id` per message; duplicates
 * collapsed; past `maxExpanded` messages inside a `<details>`.
 *
 * @throws {TypeError} when an entry is not a `[category, message]` pair, or an option is invalid.
 * @example
 * import { renderFlashMessages } from "flashkit/render";
 *
 * app.get("/", (req, res) => {
 *   const flashes = renderFlashMessages(req.getFlashedMessages({ withCategories: true }));
 *   res.send(`<!doctype html><body>${flashes}<main>...</main></body>`);
 * });
 */
export function renderFlashMessages(messages: CategorizedMessages, options: RenderOptions = {}): string {
  return renderContainer(messages, options, "");
}

/**
 * The container with `extraAttributes` (already safe, with a leading space) after the standard ones.
 * @internal
 */
export function renderContainer(
  messages: CategorizedMessages,
  options: RenderOptions,
  extraAttributes: string,
): string {
  const theme = resolveTheme(options.theme);
  const body = renderBody(messages, options, theme);
  return `<div ${containerAttributes(theme, options)}${extraAttributes}>${body ? `\n${body}\n` : ""}</div>`;
}

/**
 * The container's attributes, in order, as name/value pairs (the JSX components render the same).
 * @internal
 */
export function containerAttributeList(options: RenderOptions): Array<[name: string, value: string]> {
  const theme = resolveTheme(options.theme);
  const list: Array<[string, string]> = [
    ["id", CONTAINER_ID],
    ["data-flash-container", ""],
    ["data-flash-theme", theme.name],
  ];
  const autoDismiss = autoDismissValue(options.autoDismiss);
  if (autoDismiss !== undefined) list.push(["data-flash-autodismiss", autoDismiss]);
  return list;
}

function containerAttributes(theme: Theme, options: RenderOptions): string {
  const autoDismiss = autoDismissValue(options.autoDismiss);
  return (
    `id="${CONTAINER_ID}" data-flash-container="" data-flash-theme="${escapeHtml(theme.name)}"` +
    (autoDismiss === undefined ? "" : ` data-flash-autodismiss="${autoDismiss}"`)
  );
}

/**
 * The messages without the container (what a Turbo stream appends), or `""` when there are none.
 * @internal
 */
export function renderBody(
  messages: CategorizedMessages,
  options: RenderOptions,
  theme = resolveTheme(options.theme),
): string {
  const close = options.close ?? "always";
  if (!CLOSE_MODES.includes(close)) {
    throw new TypeError(`close must be one of ${CLOSE_MODES.map((m) => `"${m}"`).join(", ")}, got ${String(close)}`);
  }
  const maxExpanded = options.maxExpanded ?? 3;
  if (!(maxExpanded === Number.POSITIVE_INFINITY || (Number.isInteger(maxExpanded) && maxExpanded >= 0))) {
    throw new TypeError(`maxExpanded must be a whole number of messages (0 or more) or Infinity, got ${maxExpanded}`);
  }
  const closeHrefHtml = escapeHtml(close === "link" ? safeHref(options.closeHref ?? "") : "");
  const closeLabelHtml = escapeHtml(options.closeLabel ?? "Close");
  const showPrefix = options.showPrefix ?? false;
  const nextId = options.messageId ?? defaultMessageId();

  const parts: string[] = [];
  for (const [category, message] of uniquePairs(messages, options.collapseDuplicates ?? true)) {
    const level = flashLevel(category);
    const formatted = options.format ? options.format(message, String(category)) : message;
    const suffix = nextId(parts.length);
    if (typeof suffix !== "string" || !ID_SUFFIX.test(suffix)) {
      throw new TypeError(`messageId() must return letters, digits, "_" or "-", got ${JSON.stringify(suffix)}`);
    }
    const themed: ThemeMessage = {
      level,
      role: level === "danger" ? "alert" : "status",
      id: `flash-${suffix}`,
      prefixHtml: escapeHtml(options.prefixes?.[level] ?? DEFAULT_PREFIXES[level]),
      showPrefix,
      html: messageHtml(formatted),
      close,
      closeLabelHtml,
      closeHrefHtml,
    };
    parts.push(theme.message(themed));
  }
  if (parts.length <= maxExpanded) return parts.join("\n");
  const shown = parts.slice(0, maxExpanded);
  const rest = parts.slice(maxExpanded);
  const label = options.moreLabel ? options.moreLabel(rest.length) : defaultMoreLabel(rest.length);
  const more = { count: rest.length, summaryHtml: escapeHtml(String(label)), html: rest.join("\n") };
  shown.push(theme.more ? theme.more(more) : defaultMore(more));
  return shown.join("\n");
}

/**
 * The `[category, message]` pairs, validated, with duplicates (same category, same content)
 * collapsed when `collapse` is true.
 * @internal
 */
export function uniquePairs(messages: CategorizedMessages, collapse: boolean): Array<readonly [unknown, unknown]> {
  const pairs: Array<readonly [unknown, unknown]> = [];
  // category key → content keys seen: no separator, so no two different pairs can share a key.
  const seen = new Map<string, Set<string>>();
  for (const pair of messages) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(
        "flash message renderers expect [category, message] pairs: pass getFlashedMessages({ withCategories: true })",
      );
    }
    const [category, message] = pair as [unknown, unknown];
    if (collapse) {
      const categoryKey = typeof category === "string" ? `s${category}` : `j${jsonText(category)}`;
      const key = contentKey(message);
      const contents = seen.get(categoryKey);
      if (contents === undefined) seen.set(categoryKey, new Set([key]));
      else if (contents.has(key)) continue;
      else contents.add(key);
    }
    pairs.push([category, message]);
  }
  return pairs;
}

function contentKey(message: unknown): string {
  if (isTrustedHtml(message)) return `t${message.html}`;
  if (typeof message === "string") return `s${message}`;
  return `j${jsonText(message)}`;
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Resolves the `theme` option. @internal */
export function resolveTheme(theme: Theme | ThemeName | undefined): Theme {
  if (theme === undefined) return bootstrap5;
  if (typeof theme === "string") {
    if (Object.hasOwn(themes, theme)) return themes[theme];
    throw new TypeError(
      `unknown theme ${JSON.stringify(theme)}: use one of ${Object.keys(themes).join(", ")}, or a Theme`,
    );
  }
  if (typeof theme !== "object" || theme === null || typeof theme.message !== "function") {
    throw new TypeError("theme must be a theme name or a Theme ({ name, message(m) })");
  }
  return theme;
}

function autoDismissValue(value: boolean | number | undefined): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return "";
  if (typeof value !== "number" || !Number.isInteger(value) || value < MIN_AUTO_DISMISS_MS) {
    throw new TypeError(
      `autoDismiss must be true or a delay of at least ${MIN_AUTO_DISMISS_MS} ms (time to read the message), got ${String(value)}`,
    );
  }
  return String(value);
}

/** Accepts a relative URL or an http(s) one; anything with another scheme is a TypeError. */
function safeHref(href: string): string {
  if (typeof href !== "string") throw new TypeError("closeHref must be a string");
  // Browsers strip leading spaces and C0 controls, ignore tabs and newlines anywhere, and read "\"
  // as "/": "//host", "/\\host" and "\\\\host" all leave the site.
  const normalized = href.replace(/[\u0000-\u0020]/g, "").replaceAll("\\", "/");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(normalized)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    throw new TypeError(
      `closeHref must be a path on this site (such as "/inbox"), got the scheme ${JSON.stringify(scheme)}`,
    );
  }
  if (normalized.startsWith("//")) {
    throw new TypeError(`closeHref must be a path on this site (such as "/inbox"), got ${JSON.stringify(href)}`);
  }
  return href;
}

function defaultMoreLabel(count: number): string {
  return `${count} more message${count === 1 ? "" : "s"}`;
}

let idSeed: string | undefined;
let idCounter = 0;

/**
 * Ids unique on a page across renders (a counter) and across processes (a random part drawn on
 * first use: edge runtimes forbid randomness at module load).
 */
function defaultMessageId(): (index: number) => string {
  if (idSeed === undefined) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(4));
    idSeed = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  const seed = idSeed;
  return function nextMessageId(): string {
    idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER;
    return `${seed}-${idCounter.toString(36)}`;
  };
}

/** A message as safe HTML: trusted markup as is, a string escaped, `undefined` empty, anything else as escaped JSON. */
function messageHtml(message: unknown): string {
  if (isTrustedHtml(message)) return message.html;
  if (typeof message === "string") return escapeHtml(message);
  if (message === undefined) return "";
  let json: string | undefined;
  try {
    json = JSON.stringify(message);
  } catch {
    json = undefined;
  }
  return escapeHtml(json ?? String(message));
}
