/**
 * Commit failures on flashkit/next (docs/reliability.md): a route handler in `withFlash()` over a store
 * whose backend refuses the write. `await flash.save()` rejects with the store's `FlashError` while the
 * handler can still choose its response; without it, `onCommitError`'s response replaces the
 * handler's, after the warning.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNext, NEXT_APPS, NEXT_BUILD_TIMEOUT, type NextServer, startNext } from "./next-server.js";

describe("flashkit/next when the store cannot commit", () => {
  let server: NextServer;
  beforeAll(async () => {
    await buildNext(NEXT_APPS.conformance);
    server = await startNext(NEXT_APPS.conformance, {
      env: { FLASH_SECRET: "commit-next-secret-0123456789-0123456789" },
    });
  }, NEXT_BUILD_TIMEOUT);
  afterAll(() => server?.close());

  it("flash.save() rejects with ERR_FLASH_STORE_UNAVAILABLE, and the handler answers 503", async () => {
    const response = await fetch(`${server.url}/commit/save`, { method: "POST" });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ code: "ERR_FLASH_STORE_UNAVAILABLE" });
  });

  it("without save(), onCommitError's response replaces the handler's, after a warning", async () => {
    const response = await fetch(`${server.url}/commit/hook`, { method: "POST" });
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("Saved, but the confirmation could not be kept");
    await expect
      .poll(() => server.output())
      .toContain("flashkit: could not commit flash messages: (ERR_FLASH_STORE_UNAVAILABLE)");
  });
});
