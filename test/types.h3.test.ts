/**
 * Type tests for the h3 adapter: `npm run typecheck` fails if a line marked `@ts-expect-error`
 * compiles. The helpers take h3 v1's and h3 v2's events as they are, the middleware is an h3 v1 event
 * handler and an h3 v2 middleware without a cast, and an instance's categories type its helpers.
 */
import { H3, redirect } from "h3";
import * as h3v1 from "h3-v1";
import { describe, expectTypeOf, it } from "vitest";
import { createH3Flash, flash, flashMiddleware, getFlashedMessages, useFlash } from "../src/adapters/h3.js";
import { type FlashFunction, memoryStore } from "../src/index.js";

type AppFlashes = { success: string; error: string; toast: { title: string } };

describe("flashkit/h3 types", () => {
  it("takes h3 v2's event, and its middleware goes in app.use()", () => {
    const app = new H3().use(flashMiddleware);
    app.post("/", async (event) => {
      await flash(event, "Saved", "success");
      expectTypeOf(await useFlash(event)).toEqualTypeOf<FlashFunction<Record<string, unknown>>>();
      expectTypeOf(await getFlashedMessages(event, { withCategories: true })).toEqualTypeOf<Array<[string, unknown]>>();
      expectTypeOf(await getFlashedMessages(event)).toEqualTypeOf<unknown[]>();
      // @ts-expect-error a category must be a string
      await flash(event, "x", 42);
      return redirect("/", 303);
    });
  });

  it("takes h3 v1's event, and its middleware is an event handler and an onRequest hook", () => {
    const app = h3v1.createApp().use(flashMiddleware);
    app.use(
      h3v1.defineEventHandler({
        onRequest: [flashMiddleware],
        handler: async (event) => {
          await flash(event, "Saved", "success");
          return h3v1.sendRedirect(event, "/");
        },
      }),
    );
  });

  it("types the helpers of an instance by its categories", () => {
    const kit = createH3Flash<AppFlashes>({ store: memoryStore() });
    new H3().use(kit.middleware).post("/", async (event) => {
      await kit.flash(event, { title: "Hi" }, "toast");
      // @ts-expect-error no such category
      await kit.flash(event, "Saved", "sucess");
      // @ts-expect-error a toast is an object
      await kit.flash(event, "Hi", "toast");
      const pairs = await kit.getFlashedMessages(event, { withCategories: true, categoryFilter: ["toast"] });
      expectTypeOf(pairs).toEqualTypeOf<Array<["toast", { title: string }]>>();
      return null;
    });
  });

  it("refuses what is not an event", () => {
    // Never called: a type check only.
    // @ts-expect-error not an h3 event
    const _notAnEvent = () => useFlash({ url: "/" });
    expectTypeOf(_notAnEvent).toBeFunction();
  });
});
