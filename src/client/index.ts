/**
 * flashkit/client: the browser side of flash messages. Dependency-free; knows only the HTML the
 * renderers emit (`#flash-messages[data-flash-container]` holding `[data-flash-message]` elements),
 * and closes Bootstrap's dismissible alerts written by hand (the Flask tutorial's markup) by click
 * and Escape too, moving focus as for its own messages.
 *
 * One delegated click handler (on `window`, so after Bootstrap's own on `document`), capturing
 * `close.bs.alert`, `keydown` and htmx's `flash` listeners on `document`, and one MutationObserver
 * on the document (on each batch of changes it looks up the messages it has not seen): messages
 * swapped in by htmx (out of band too), Turbo or any script need no extra wiring. With Bootstrap 5's
 * own JS on the page, Bootstrap's `close.bs.alert` is cancelled and this script closes the message
 * instead, so each event fires once. Auto-dismiss counts down on one 250 ms interval, only while a
 * timer is pending, and reads the pauses (`:hover`, `:focus-within`, `document.hidden`, the
 * page-wide switch) on each tick. Starting twice, or loading the module and the classic script on
 * one page, is harmless: there is one client per page. The whole script stays within 3100 bytes
 * min+gzip, about 3 KB (test/client-size.core.test.ts), which explains its terse shape.
 *
 * @example
 * import { Flash, bootstrap5 } from "flashkit/client";
 *
 * Flash.start({ themes: [bootstrap5] });
 * const response = await fetch("/api/save", { method: "POST" });
 * Flash.fromResponse(response); // shows the messages of the X-Flash-Messages header
 */
import { type ClientTheme, type FlashMessageData, messageHtml, type ThemeLabels } from "./markup.js";

export type { ClientLevel, ClientMessage, ClientTheme, FlashMessageData, ThemeLabels } from "./markup.js";
export { bootstrap4, bootstrap5, plain, tailwind } from "./themes.js";

/** Why a message is closing: the `detail.reason` of `flash:close`. */
export type FlashCloseReason = "click" | "escape" | "timeout";

/** What {@link FlashClient.show} takes: one message as data, rendered as the server renders it. */
export interface FlashShowOptions extends FlashMessageData {
  /**
   * Auto-dismiss after this many milliseconds (5000 at least), `true` for the default (6000, more
   * for long text), or `false` never. Only success and info messages ever auto-dismiss.
   * @default the container's `data-flash-autodismiss` (off when it has none)
   */
  timeout?: number | boolean | undefined;
}

/** Options of {@link FlashClient.start}. */
export interface FlashStartOptions extends ThemeLabels {
  /**
   * The themes to render messages from data with, matched by the container's
   * `data-flash-theme` (messages from data are shown only in a container whose theme was given).
   * Added to those given before.
   * @default none: `Flash.show()` and the data deliveries need at least one (the browser builds include theirs)
   */
  themes?: ClientTheme[] | undefined;
}

/** Anything with response headers: a fetch `Response`, or an object of your own. */
export interface HeadersLike {
  /** The response's headers; only `get("X-Flash-Messages")` is called. */
  readonly headers: { get(name: string): string | null };
}

/** The page's flash client. */
export interface FlashClient {
  /**
   * Installs the handlers and the live regions (once per page; later calls only merge `options`)
   * and takes over the messages already on the page. Waits for `DOMContentLoaded` when called early.
   *
   * @example
   * Flash.start({ closeLabel: "Schließen", prefixes: { danger: "Fehler: " } });
   */
  start(options?: FlashStartOptions): FlashClient;
  /**
   * Shows a message with the markup the server renderer emits for the container's
   * `data-flash-theme`, and announces it once. Returns the element, or `undefined` when the
   * page has no flash container, `start()` was given no theme of its `data-flash-theme`, or
   * `options` has no `message`.
   *
   * @example
   * Flash.show({ category: "success", message: "Saved", timeout: true });
   */
  show(options: FlashShowOptions): HTMLElement | undefined;
  /**
   * Shows the messages of a response's `X-Flash-Messages` header (ASCII-safe JSON); none when
   * it has no such header. An entry that is not a message (an object with a `message`) is
   * skipped, as in `HX-Trigger`'s `flash` event.
   *
   * @example
   * Flash.fromResponse(await fetch("/save", { method: "POST" }));
   */
  fromResponse(response: HeadersLike): HTMLElement[];
}

/** The response header of the fetch/JSON delivery. */
export const FLASH_HEADER = "X-Flash-Messages";

/**
 * A message: flashkit's, or a dismissible Bootstrap alert written by hand (the Flask tutorial's
 * markup, without flashkit's attributes), closed by click and Escape as well.
 */
const MESSAGE = "[data-flash-message],.alert-dismissible";
const CONTAINER = "[data-flash-container]";
const MORE = "[data-flash-more]";
const CLOSE_BS = "close.bs.alert";
const KEY = Symbol.for("flashkit.client");
/** The auto-dismiss step: every tick counts for this long, so a late one (sleep, a busy page) never counts for more. */
const TICK = 250;
/** The most messages expanded: the rest wait in `<details data-flash-more>`. */
const EXPANDED = 3;

function createFlashClient(): FlashClient {
  // Read here, used when called: importing this module on a server touches no DOM.
  const doc = globalThis.document;
  let labels: ThemeLabels = {};
  const themes: Record<string, ClientTheme> = {};
  let started = false;
  let ids = 0;
  let ticking: ReturnType<typeof setInterval> | 0 = 0;
  /** The message Bootstrap's own click handler asked to close: the same click's own handling skips it. */
  let bootstrapSaw: Element | 0 = 0;
  const adopted = new WeakSet<Element>();
  const closing = new WeakSet<Element>();
  /** Auto-dismissing messages and their milliseconds left. */
  const timers = new Map<HTMLElement, number>();
  const regions: Record<string, Element> = {};

  /** The container of `from` (for a hand-written alert, which has none: its parent), or the page's. */
  const container = (from?: Element) =>
    (from ? (from.closest(CONTAINER) ?? from.parentElement) : doc.querySelector(CONTAINER)) as HTMLElement | null;
  /** A message's text, without its close control (Tailwind's and others' "×"). */
  const textOf = (message: Element): string => {
    const copy = message.cloneNode(true) as Element;
    copy.querySelector("[data-flash-close]")?.remove();
    return copy.textContent!.trim();
  };
  const messagesIn = (node: ParentNode | null | undefined): HTMLElement[] =>
    node ? [...node.querySelectorAll<HTMLElement>(MESSAGE)] : [];
  /** The theme of a container: the one given for its `data-flash-theme`. */
  const themeOf = (box: HTMLElement | null): ClientTheme | undefined => themes[box?.dataset.flashTheme as string];

  /** Dispatches a bubbling CustomEvent (Bootstrap's own events are plain Events, without `detail`); false when it was cancelled. */
  const fire = (target: EventTarget, type: string, detail?: object, cancelable?: boolean): boolean =>
    target.dispatchEvent(new CustomEvent(type, { bubbles: true, cancelable, detail }));

  /** Keeps the first 3 messages expanded and the rest in one `<details>` (the server's default layout). */
  const layout = (box: HTMLElement | null | undefined): void => {
    const theme = themeOf(box!);
    // A container whose theme the script was not given is left as the server laid it out.
    if (!theme || !box?.isConnected) return;
    let [more, ...extra] = box.querySelectorAll<HTMLElement>(MORE);
    messagesIn(box)
      .filter((m) => !closing.has(m))
      .forEach((m, i) => {
        if (i < EXPANDED) {
          if (more && !(m.compareDocumentPosition(more) & 4)) more.before(m);
        } else if (m.parentElement !== more) {
          if (!more) {
            box.insertAdjacentHTML("beforeend", theme.more);
            more = box.lastElementChild as HTMLElement;
          }
          more.append(m);
        }
      });
    for (const node of extra) node.remove();
    const count = messagesIn(more).length;
    const summary = more?.querySelector("summary");
    if (!count) more?.remove();
    else if (summary) {
      const text = summary.textContent!;
      summary.textContent = /^(\d+ more messages?)?$/.test(text)
        ? `${count} more message${count > 1 ? "s" : ""}`
        : text.replace(/\d+/, count as unknown as string);
    }
  };

  /** A polite or assertive live region, made at start so that it exists before its content. */
  const region = (kind: string): Element => {
    if (!regions[kind]?.isConnected) {
      // Visually hidden, still read: clipped away, and fixed so that it never makes the page scroll.
      doc.body.insertAdjacentHTML(
        "beforeend",
        `<div aria-live="${kind}" style="position:fixed;clip-path:inset(50%)"></div>`,
      );
      regions[kind] = doc.body.lastElementChild!;
    }
    return regions[kind];
  };

  /**
   * Counts down every auto-dismissing message that is in view: not hovered, no focus inside,
   * tab visible, not collapsed in `<details>`, switch on. A late tick (sleep, a throttled
   * background tab) counts for half a second at most.
   */
  const tick = (): void => {
    for (const [m, left] of timers) {
      // A message removed otherwise counts down too, and goes from the map when close() refuses it.
      if (
        doc.documentElement.dataset.flashAutodismiss !== "off" &&
        !doc.hidden &&
        !m.closest(MORE) &&
        !m.matches(":hover,:focus-within")
      ) {
        if (left > TICK) timers.set(m, left - TICK);
        else close(m, "timeout");
      }
    }
    if (!timers.size) {
      clearInterval(ticking);
      ticking = 0;
    }
  };

  /**
   * Closes a message unless a `close.bs.alert` or `flash:close` listener cancels: fades it out
   * (at once with reduced motion), removes it, lays out the rest, moves focus that was inside to
   * the next message, else the previous, else the container, never body; fires
   * `closed.bs.alert` on it and `flash:closed` on the container. True when it closes.
   */
  const close = (message: HTMLElement, reason: FlashCloseReason): boolean | undefined => {
    // A cancelled auto-dismiss is not tried again.
    timers.delete(message);
    if (
      closing.has(message) ||
      !message.isConnected ||
      !fire(message, CLOSE_BS, { reason }, true) ||
      !fire(message, "flash:close", { reason }, true)
    ) {
      return;
    }
    closing.add(message);
    const box = container(message);
    const theme = themeOf(box);
    message.classList.remove("show");
    if (theme) message.classList.add(theme.closing);
    const finish = () => {
      // The messages still staying, this one among them: focus goes to the next, else the previous.
      const all = messagesIn(box).filter((m) => m === message || !closing.has(m));
      const i = all.indexOf(message);
      const next = message.contains(doc.activeElement) && (all[i + 1] ?? all[i - 1] ?? box);
      message.remove();
      fire(message, "closed.bs.alert");
      layout(box);
      if (next) {
        // Focusable by script (a message or the container has no tabindex of its own, so -1).
        if (next.tabIndex < 0) next.tabIndex = -1;
        next.focus();
      }
      fire(box?.isConnected ? box : doc, "flash:closed", { element: message });
    };
    // The fade: the transitions the closing class started (none with reduced motion).
    Promise.all(
      matchMedia("(prefers-reduced-motion)").matches ? [] : message.getAnimations().map((fade) => fade.finished),
    ).then(finish, finish);
    return true;
  };

  /**
   * Takes over a message: reveals a JS-only close button, announces one that arrived later (once,
   * a moment later: a region made just now, when Turbo replaced the body, must be in the page
   * before its content), arms its auto-dismiss timer (success and info only, 5 s at least). True
   * when it was new.
   */
  const adopt = (message: HTMLElement, later?: boolean, timeout?: number | boolean): boolean | undefined => {
    if (adopted.has(message)) return;
    adopted.add(message);
    for (const button of message.querySelectorAll<HTMLElement>('[data-flash-close="js"]')) button.hidden = false;
    if (later) {
      const live = region(message.getAttribute("role") === "alert" ? "assertive" : "polite");
      const line = doc.createElement("p");
      line.textContent = textOf(message);
      setTimeout(() => live.append(line), 100);
      setTimeout(() => line.remove(), 15_000);
      // Heard once, through the live region: with its role an inserted alert would speak twice.
      message.removeAttribute("role");
    }
    const page = container(message)?.dataset.flashAutodismiss;
    const wanted = timeout ?? (page != null && (+page || true));
    if (wanted && /^(success|info)$/.test(message.dataset.flashLevel!)) {
      // Long text gets longer: about 60 ms a character past the first 80.
      const extra = Math.max(0, textOf(message).length - 80) * 60;
      timers.set(message, (wanted === true ? 6000 : Math.max(5000, wanted)) + extra);
      ticking ||= setInterval(tick, TICK);
    }
    return true;
  };

  const onEvent = (event: Event): void => {
    const type = event.type;
    const target = event.target as Element;
    const message = target.closest?.<HTMLElement>(MESSAGE);
    if (type === "flash") {
      // htmx: `HX-Trigger: {"flash": [...]}` arrives as a `flash` event with detail.value. Of
      // the JSON values only an array has forEach.
      (event as CustomEvent<{ value?: { forEach?: unknown[]["forEach"] } } | null>).detail?.value?.forEach?.((item) => {
        show(item);
      });
    } else if (message && type === "click") {
      const control = target.closest("[data-flash-close]");
      if (!control) return;
      // A close link (close: "link") closes in place instead of loading the page again.
      if ((control as HTMLAnchorElement).href) event.preventDefault();
      // Bootstrap's own handler (on document) ran first and asked to close it: handled then.
      if (bootstrapSaw !== message) close(message, "click");
      bootstrapSaw = 0;
    } else if (type === "keydown") {
      if ((event as KeyboardEvent).key === "Escape" && message && close(message, "escape")) event.preventDefault();
    } else if (!("detail" in event) && message === target) {
      // close.bs.alert from Bootstrap 5's own JS: its close is cancelled and heard by no one,
      // and this script closes the message instead, firing its own cancellable events.
      event.preventDefault();
      event.stopImmediatePropagation();
      bootstrapSaw = message;
      close(message, "click");
    }
  };

  const install = (): void => {
    region("polite");
    region("assertive");
    /** Adopts the messages not seen yet, and lays out their containers. */
    const scan = (later?: boolean) =>
      new Set(
        messagesIn(doc)
          .filter((m) => adopt(m, later))
          .map(container),
      ).forEach(layout);
    scan();
    addEventListener("click", onEvent);
    for (const type of [CLOSE_BS, "keydown", "flash"]) doc.addEventListener(type, onEvent, true);
    // Messages htmx, Turbo or any script inserted: adopted, announced, their containers laid out.
    new MutationObserver(() => scan(true)).observe(doc, { childList: true, subtree: true });
  };

  const show = (data: unknown, timeout?: number | boolean): HTMLElement | undefined => {
    const box = container();
    const theme = themeOf(box);
    // No theme before start(): the handlers are installed (or will be, at DOMContentLoaded). Data
    // without a message (null, a number, a string, an array, `{}`) is not a message (FlashPayload):
    // it shows nothing rather than an empty alert.
    if (!theme || (data as FlashMessageData | null)?.message === undefined) return;
    box!.insertAdjacentHTML("beforeend", messageHtml(theme, data as FlashMessageData, labels, `flash-c${++ids}`));
    const message = box!.lastElementChild as HTMLElement;
    adopt(message, true, timeout);
    layout(box);
    return message;
  };

  const client: FlashClient = {
    start(options) {
      labels = { ...labels, ...options };
      for (const theme of options?.themes ?? []) themes[theme.name] = theme;
      if (!started) {
        started = true;
        if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", install);
        else install();
      }
      return client;
    },
    show: (options) => show(options, options.timeout),
    fromResponse(response) {
      try {
        // No header or not an array: throws, and shows nothing. FLASH_HEADER is written out, which
        // keeps the 3 KB bundle a few bytes smaller.
        return (JSON.parse(response.headers.get("X-Flash-Messages")!) as unknown[]).flatMap((item) => show(item) ?? []);
      } catch {
        return [];
      }
    },
  };
  return client;
}

/**
 * The page's flash client: one per page, shared by every copy of this script (module and
 * classic script find it under `Symbol.for("flashkit.client")`). Importing it on a server is
 * safe: it touches no DOM until called (call it in the browser only).
 *
 * @example
 * import { Flash, bootstrap5 } from "flashkit/client";
 * Flash.start({ themes: [bootstrap5] });
 * Flash.show({ category: "error", message: "Could not save" });
 */
// biome-ignore lint/suspicious/noAssignInExpressions: one client per page, made by the first copy of the script (3 KB budget)
export const Flash: FlashClient = ((globalThis as Record<symbol, FlashClient>)[KEY] ??= createFlashClient());

/**
 * Starts the page's client: the same as `Flash.start(options)`.
 *
 * @example
 * import { bootstrap5, start } from "flashkit/client";
 * start({ themes: [bootstrap5] });
 */
export function start(options?: FlashStartOptions): FlashClient {
  return Flash.start(options);
}
