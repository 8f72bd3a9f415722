/**
 * Delivery of flash messages to pages that update without a full load: a JSON response header
 * for `fetch`, htmx's `HX-Trigger` and out-of-band swaps, and Turbo streams. The markup
 * deliveries append to `#flash-messages`: messages already on the page stay. Pure functions: the
 * app sets the headers or sends the bodies.
 */
import { isTrustedHtml } from "./escape.js";
import { type CategorizedMessages, CONTAINER_ID, type RenderOptions, renderBody, uniquePairs } from "./render.js";
import { type FlashLevel, flashLevel } from "./theme.js";

/**
 * The attribute that marks an element of an htmx response for an out-of-band swap.
 * @internal shared with flashkit/jsx
 */
export const OOB_ATTRIBUTE = "hx-swap-oob";

/**
 * The out-of-band swap {@link renderOobFragment} asks for: append inside `#flash-messages`.
 * @internal shared with flashkit/jsx
 */
export const OOB_APPEND = `beforeend:#${CONTAINER_ID}`;

/** The response header that carries flash messages as JSON, read by the client script. */
export const FLASH_HEADER = "X-Flash-Messages";

/** One message as the header and `HX-Trigger` carry it. */
export interface FlashPayload {
  /** The category as flashed (a string). */
  category: string;
  /** The message: a string, or the JSON value that was flashed (shown as text by the client). */
  message: unknown;
  /** The mapped level, the one the client renders (`error` → `danger`). */
  level: FlashLevel;
}

/** Options of the delivery helpers that carry data ({@link flashHeaders}, {@link htmxTrigger}). */
export interface FlashDataOptions {
  /**
   * Collapse messages with the same category and content into one, as the renderer does.
   * @default true
   */
  collapseDuplicates?: boolean | undefined;
}

/**
 * The messages as data: `{ category, message, level }` objects, duplicates collapsed. Trusted
 * markup travels as its text (the client never inserts markup it received as data).
 *
 * @example
 * flashPayload([["error", "Bad password"]]); // [{ category: "error", message: "Bad password", level: "danger" }]
 */
export function flashPayload(messages: CategorizedMessages, options: FlashDataOptions = {}): FlashPayload[] {
  return uniquePairs(messages, options.collapseDuplicates ?? true).map(([category, message]) => ({
    category: String(category),
    message: isTrustedHtml(message) ? message.html : message,
    level: flashLevel(category),
  }));
}

/**
 * JSON with every character outside printable ASCII escaped as `\uXXXX`: valid in an HTTP header
 * (which carries bytes, not text) and decoded exactly by `JSON.parse` on the other side.
 *
 * @example
 * asciiJson({ message: "Grüße 😀" }); // '{"message":"Gr\\u00fc\\u00dfe \\ud83d\\ude00"}'
 */
export function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("asciiJson() expects a JSON value");
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The response headers that hand flash messages to the client script of a page that fetched
 * this response: `X-Flash-Messages` (ASCII-only JSON array of {@link FlashPayload}) and
 * `Access-Control-Expose-Headers` so a cross-origin `fetch` may read it. Returns `{}` when there
 * are no messages. Mind proxies' header size limits (nginx: 4–8 KB by default) with many long
 * messages.
 *
 * @example
 * app.post("/api/save", (req, res) => {
 *   req.flash("Saved", "success");
 *   res.set(flashHeaders(req.getFlashedMessages({ withCategories: true }))).json({ ok: true });
 * });
 */
export function flashHeaders(messages: CategorizedMessages, options: FlashDataOptions = {}): Record<string, string> {
  const payload = flashPayload(messages, options);
  if (payload.length === 0) return {};
  return { [FLASH_HEADER]: asciiJson(payload), "Access-Control-Expose-Headers": FLASH_HEADER };
}

/**
 * The value of htmx's `HX-Trigger` response header that fires a `flash` event with the messages
 * (`event.detail.value` is the {@link FlashPayload} array), merged with an `HX-Trigger` value the
 * app already set (a JSON object or a comma-separated list of event names). Returns `existing`
 * (or `undefined`) when there are no messages.
 *
 * @throws {TypeError} when `existing` starts like a JSON object but is not one.
 * @example
 * const trigger = htmxTrigger(req.getFlashedMessages({ withCategories: true }), res.get("HX-Trigger"));
 * if (trigger) res.set("HX-Trigger", trigger);
 */
export function htmxTrigger(
  messages: CategorizedMessages,
  existing?: string | undefined,
  options: FlashDataOptions = {},
): string | undefined {
  const payload = flashPayload(messages, options);
  if (payload.length === 0) return existing;
  const events: Record<string, unknown> = {};
  const previous = existing?.trim();
  if (previous?.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(previous);
    } catch (cause) {
      throw new TypeError("the existing HX-Trigger value is not valid JSON", { cause });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new TypeError("the existing HX-Trigger value must be a JSON object or a list of event names");
    }
    Object.assign(events, parsed);
  } else if (previous) {
    for (const name of previous.split(",")) if (name.trim()) events[name.trim()] = null;
  }
  events["flash"] = payload;
  return asciiJson(events);
}

/**
 * An htmx out-of-band fragment that appends the messages to the page's `#flash-messages`, or
 * `""` when there are none: `<div hx-swap-oob="beforeend:#flash-messages">…messages…</div>`. Add
 * it to any htmx response, whatever the request's target: htmx (2.x) inserts the messages (not
 * the wrapper `<div>`) at the end of the container, so messages already on the page stay, as with
 * {@link renderTurboStream}. The container's own settings (`data-flash-theme`,
 * `data-flash-autodismiss`) stay those the page rendered: give the same `theme` as the page.
 *
 * @example
 * res.send(rowHtml + renderOobFragment(req.getFlashedMessages({ withCategories: true })));
 */
export function renderOobFragment(messages: CategorizedMessages, options: RenderOptions = {}): string {
  const body = renderBody(messages, options);
  if (!body) return "";
  return `<div ${OOB_ATTRIBUTE}="${OOB_APPEND}">\n${body}\n</div>`;
}

/**
 * A Turbo stream that appends the messages to the page's `#flash-messages`, or `""` when there
 * are none. Send it with `Content-Type: text/vnd.turbo-stream.html` (alone or with other streams).
 *
 * @example
 * res.type("text/vnd.turbo-stream.html").send(renderTurboStream(req.getFlashedMessages({ withCategories: true })));
 */
export function renderTurboStream(messages: CategorizedMessages, options: RenderOptions = {}): string {
  const body = renderBody(messages, options);
  if (!body) return "";
  return `<turbo-stream action="append" target="${CONTAINER_ID}"><template>\n${body}\n</template></turbo-stream>`;
}
