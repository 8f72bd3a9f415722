/**
 * Type tests for the fetch adapter: `npm run typecheck` fails if a line marked `@ts-expect-error`
 * compiles. The adapter types `flashOf()` through declaration merging and generics, never by hand in the app.
 */
import { describe, expectTypeOf, it } from "vitest";
import { type FetchHandler, flashOf, flashTemplatesOf, withFlash } from "../src/adapters/fetch.js";
import { memoryStore } from "../src/index.js";

type AppFlashes = { success: string; error: string; toast: { title: string } };

describe("fetch adapter", () => {
  it("keeps the handler's parameters and types flashOf() per app", async () => {
    type Env = { FLASH_SECRET: string };
    type Ctx = { waitUntil(promise: Promise<unknown>): void };
    const handler = withFlash(
      async (request: Request, env: Env, _ctx: Ctx) => {
        const flash = flashOf<AppFlashes>(request);
        flash("Saved", "success");
        flash({ title: "Hi" }, "toast");
        // @ts-expect-error "warning" is not a category of AppFlashes
        flash("x", "warning");
        expectTypeOf(flash.getFlashedMessages({ categoryFilter: ["toast"] })).toEqualTypeOf<Array<{ title: string }>>();
        expectTypeOf(flashTemplatesOf(request).getFlashedMessages()).toEqualTypeOf<unknown[]>();
        return new Response(env.FLASH_SECRET);
      },
      { store: memoryStore() },
    );
    expectTypeOf(handler).parameters.toEqualTypeOf<[Request, Env, Ctx]>();
    expectTypeOf(handler).returns.toEqualTypeOf<Promise<Response>>();
    const plain: FetchHandler = withFlash(() => new Response(), { store: memoryStore() });
    expectTypeOf(plain).toBeFunction();
  });
});
