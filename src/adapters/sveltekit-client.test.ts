import type { Page } from "@sveltejs/kit";
import { get, writable } from "svelte/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FlashPageData } from "./sveltekit.js";
import { getFlash } from "./sveltekit-client.js";

/** What the store follows of SvelteKit's `page`, as a `$app/stores` store the test moves. */
function pageStore(path: string, flash?: FlashPageData) {
  const state = { url: new URL(`http://app.test${path}`), data: { flash }, form: null as unknown, status: 200 };
  const store = writable(state as unknown as Page);
  return {
    store,
    navigate(to: string, data?: FlashPageData) {
      Object.assign(state, { url: new URL(`http://app.test${to}`), data: { flash: data }, form: null, status: 200 });
      store.set({ ...state } as unknown as Page);
    },
    applyAction(form: unknown, status: number) {
      Object.assign(state, { form, status });
      store.set({ ...state } as unknown as Page);
    },
    invalidate(data?: FlashPageData) {
      Object.assign(state, { data: { flash: data } });
      store.set({ ...state } as unknown as Page);
    },
  };
}

const data = (pairs: [string, unknown][], pending: boolean, ids = pairs.map((_, i) => `id${i}`)): FlashPageData => ({
  messages: pairs,
  ids,
  pending,
  endpoint: "/_flashkit",
});

describe("getFlash() in the browser", () => {
  let posts: unknown[];
  let answer: FlashPageData;
  beforeEach(() => {
    posts = [];
    answer = data([], false);
    vi.stubGlobal("document", {});
    vi.stubGlobal("addEventListener", vi.fn());
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        posts.push(JSON.parse(String(init.body)));
        return Response.json(answer);
      }),
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("shows the document's messages without confirming them (the document consumed them)", () => {
    const page = pageStore("/", data([["success", "Saved"]], false));
    expect(get(getFlash(page.store))).toEqual([["success", "Saved"]]);
    expect(posts).toEqual([]);
  });

  it("a navigation clears what was shown, shows the new page's messages once and confirms their ids", async () => {
    const page = pageStore("/", data([["info", "Old"]], false, ["a"]));
    const flash = getFlash(page.store);
    page.navigate("/next", data([["success", "New"]], true, ["b"]));
    expect(get(flash)).toEqual([["success", "New"]]);
    expect(posts).toEqual([{ consume: ["b"] }]);
    // The same message again (the confirmation raced a second load): shown once.
    page.invalidate(data([["success", "New"]], true, ["b"]));
    expect(get(flash)).toEqual([["success", "New"]]);
  });

  it("clearOnNavigate: false keeps what was shown across navigations", () => {
    const page = pageStore("/", data([["info", "Kept"]], false, ["a"]));
    const flash = getFlash(page.store, { clearOnNavigate: false });
    page.navigate("/next", data([["info", "Added"]], true, ["b"]));
    expect(get(flash)).toEqual([
      ["info", "Kept"],
      ["info", "Added"],
    ]);
  });

  it("clearAfterMs clears that long after the last messages arrived", () => {
    vi.useFakeTimers();
    const page = pageStore("/", data([["info", "Brief"]], false));
    const flash = getFlash(page.store, { clearAfterMs: 1000 });
    vi.advanceTimersByTime(999);
    expect(get(flash)).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(get(flash)).toEqual([]);
  });

  it("categoryFilter shows only those categories and confirms every message, as Flask's category_filter", () => {
    const page = pageStore("/");
    const flash = getFlash(page.store, { categoryFilter: ["error"] });
    page.navigate(
      "/next",
      data(
        [
          ["info", "Hidden"],
          ["error", "Shown"],
        ],
        true,
        ["a", "b"],
      ),
    );
    expect(get(flash)).toEqual([["error", "Shown"]]);
    expect(posts).toEqual([{ consume: ["a", "b"] }]);
  });

  it("an action's result applied without a navigation (use:enhance and fail()) reads through the endpoint", async () => {
    const page = pageStore("/login");
    const flash = getFlash(page.store);
    answer = data([["error", "Invalid username or password"]], false, ["x"]);
    page.applyAction({ username: "admin" }, 400);
    await vi.waitFor(() => expect(get(flash)).toEqual([["error", "Invalid username or password"]]));
    expect(posts).toEqual([{}]);
  });

  it("the same page gives the same store; clear() empties it", () => {
    const page = pageStore("/", data([["info", "x"]], false));
    const flash = getFlash(page.store);
    expect(getFlash(page.store)).toBe(flash);
    flash.clear();
    expect(get(flash)).toEqual([]);
  });
});

describe("getFlash() on the server", () => {
  it("is the render's messages, and asks the network for nothing", () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    const page = pageStore("/", data([["success", "Rendered"]], false));
    const flash = getFlash(page.store, { categoryFilter: ["success"] });
    expect(get(flash)).toEqual([["success", "Rendered"]]);
    expect(fetch).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });
});
