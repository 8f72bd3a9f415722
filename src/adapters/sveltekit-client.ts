/**
 * The component side of flashkit/sveltekit (`flashkit/sveltekit/client`): `getFlash(page)`, a
 * Svelte store of the messages the loads handed to the page (`data.flash`, from `loadFlash()`),
 * which also updates after a `use:enhance` post and confirms what a client-side navigation showed.
 * Browser-safe: no server code, no `$app` import (the app passes its `page`).
 */
import type { Page } from "@sveltejs/kit";
import { derived, get, type Readable, readable, toStore, writable } from "svelte/store";
import type { FlashMap, FlashPair, RegisteredFlashes } from "../core/types.js";
import type { FlashPageData } from "./sveltekit.js";

/** Options of {@link getFlash}; the first call for a `page` sets them. */
export interface GetFlashOptions<C extends string = string> {
  /**
   * Clear the messages shown when the user navigates to another URL (the new page's own messages
   * then show), as sveltekit-flash-message's option.
   * @default true
   */
  clearOnNavigate?: boolean;
  /**
   * Clear the messages this many milliseconds after the last ones arrived.
   * @default undefined (never)
   * @example clearAfterMs: 10_000
   */
  clearAfterMs?: number | undefined;
  /**
   * Show only these categories. Every message is consumed all the same, as Flask's `category_filter`.
   * @default [] (all)
   */
  categoryFilter?: readonly C[];
}

/** The store {@link getFlash} returns: `[category, message]` pairs, oldest first. */
export interface FlashMessagesStore<M extends FlashMap = RegisteredFlashes> extends Readable<FlashPair<M>[]> {
  /** Clears what the store shows (nothing is stored any more: they were consumed). */
  clear(): void;
  /**
   * Reads (and consumes) every pending message from the server and shows it: after a `fetch()` of
   * your own that flashed, or a `use:enhance` callback that does not apply the result.
   */
  refresh(): Promise<void>;
}

/** `page` from `$app/state`, or the `page` store from `$app/stores`. */
export type PageSource = Pick<Page, "url" | "data" | "form" | "status"> | Readable<Page>;

/** What the store follows of the page. */
interface Snapshot {
  readonly location: string;
  readonly flash: FlashPageData | undefined;
  readonly form: unknown;
  readonly status: number;
}

const DEFAULT_ENDPOINT = "/_flashkit";
const stores = new WeakMap<object, FlashMessagesStore<FlashMap>>();

/**
 * The messages of the page, as a store (`$flash`): what `loadFlash()` handed to the page, then what
 * each navigation brings, what a `use:enhance` post flashed (a `fail()` or a redirect), each message
 * once. Call it in the root layout's component; later calls with the same `page` return the same store.
 *
 * @example
 * <script lang="ts">
 *   import { page } from "$app/state";
 *   import { getFlash } from "flashkit/sveltekit/client";
 *   const flash = getFlash(page, { clearAfterMs: 10_000 });
 * </script>
 * {#each $flash as [category, message]}<p class={category}>{message}</p>{/each}
 */
export function getFlash<M extends FlashMap = RegisteredFlashes>(
  page: PageSource,
  options: GetFlashOptions<keyof M & string> = {},
): FlashMessagesStore<M> {
  const existing = stores.get(page);
  if (existing) return existing as unknown as FlashMessagesStore<M>;
  const source: Readable<Snapshot> = isStore(page)
    ? derived(page, snapshot)
    : toStore(() => snapshot(page as Pick<Page, "url" | "data" | "form" | "status">));
  const filter = options.categoryFilter ?? [];
  const shown = (pairs: readonly [string, unknown][]) =>
    (filter.length === 0 ? pairs : pairs.filter(([category]) => filter.includes(category))) as FlashPair<M>[];

  if (typeof document === "undefined") {
    // On the server the store is the render's messages (one store per render: the page is per request).
    const initial = get(source).flash;
    const store = readable(shown(initial?.messages ?? []));
    return { subscribe: store.subscribe, clear() {}, refresh: async () => {} };
  }

  const list = writable<FlashPair<M>[]>([]);
  const seen = new Set<string>();
  let last: Snapshot | undefined;
  let endpoint = DEFAULT_ENDPOINT;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const clear = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    list.set([]);
  };
  const show = (data: FlashPageData) => {
    endpoint = data.endpoint;
    const fresh: [string, unknown][] = [];
    data.ids.forEach((id, at) => {
      const pair = data.messages[at];
      if (pair === undefined || seen.has(id)) return;
      seen.add(id);
      fresh.push(pair);
    });
    // Shown now: what the navigation's data left stored goes (a preload that was never shown confirms nothing).
    if (data.pending && data.ids.length > 0) void post(endpoint, { consume: data.ids });
    const visible = shown(fresh);
    if (visible.length === 0) return;
    list.update((current) => current.concat(visible));
    if (options.clearAfterMs !== undefined) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(clear, options.clearAfterMs);
    }
  };
  const refresh = async () => {
    const response = await post(endpoint, {});
    if (response?.ok) show((await response.json()) as FlashPageData);
  };

  source.subscribe((next) => {
    const previous = last;
    last = next;
    if (previous === undefined) {
      if (next.flash) show(next.flash);
      return;
    }
    const navigated = next.location !== previous.location;
    if (navigated && options.clearOnNavigate !== false) clear();
    if (next.flash !== previous.flash && next.flash) show(next.flash);
    // An action's result applied without a navigation (use:enhance and fail(), or success without invalidation).
    if (!navigated && (next.form !== previous.form || next.status !== previous.status)) {
      void refresh();
    }
  });
  // A page restored from the back/forward cache shows what it showed before: those were consumed.
  addEventListener("pageshow", (event) => {
    if ((event as PageTransitionEvent).persisted) clear();
  });

  const store: FlashMessagesStore<M> = { subscribe: list.subscribe, clear, refresh };
  stores.set(page, store as unknown as FlashMessagesStore<FlashMap>);
  return store;
}

function snapshot(page: Pick<Page, "url" | "data" | "form" | "status">): Snapshot {
  return {
    location: `${page.url.pathname}${page.url.search}`,
    flash: (page.data as { flash?: FlashPageData } | undefined)?.flash,
    form: page.form,
    status: page.status,
  };
}

function isStore(page: PageSource): page is Readable<Page> {
  return typeof (page as Readable<Page>).subscribe === "function";
}

async function post(endpoint: string, body: unknown): Promise<Response | undefined> {
  try {
    return await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      keepalive: true,
      credentials: "same-origin",
    });
  } catch {
    // Offline: the messages stay stored and show on the next page.
    return undefined;
  }
}
