/**
 * Type tests: `npm run typecheck` (part of `npm test`) fails if a line marked `@ts-expect-error`
 * compiles, so a wrong category or payload must stay a compile error.
 */
import { describe, expectTypeOf, it } from "vitest";
import { createFlash, type FlashJar, memoryStore } from "../src/index.js";
import { fakeRequest } from "./helpers.js";
import "../src/adapters/express.js";

type AppFlashes = { success: string; error: string; toast: { title: string } };

describe("typed categories", () => {
  it("accepts declared categories with their payloads and rejects the rest at compile time", () => {
    const jar = createFlash<AppFlashes>({ store: memoryStore() }).open(fakeRequest());
    jar.flash("Saved", "success");
    jar.flash({ title: "Hi" }, "toast");
    jar.now("Oops", "error");
    // @ts-expect-error "warning" is not a category of AppFlashes
    jar.flash("x", "warning");
    // @ts-expect-error a toast carries { title }, not a string
    jar.flash("x", "toast");
    // @ts-expect-error no "message" category, so the one-argument form is not allowed
    jar.flash("x");
    // @ts-expect-error the filter only takes declared categories
    jar.getFlashedMessages({ categoryFilter: ["nope"] });

    expectTypeOf(jar.getFlashedMessages()).toEqualTypeOf<Array<string | { title: string }>>();
    expectTypeOf(jar.getFlashedMessages({ categoryFilter: ["toast"] })).toEqualTypeOf<Array<{ title: string }>>();
    expectTypeOf(jar.getFlashedMessages({ withCategories: true, categoryFilter: ["success", "error"] })).toEqualTypeOf<
      Array<["success", string] | ["error", string]>
    >();
  });

  it("defaults to any string category and any message", () => {
    const jar: FlashJar = createFlash({ store: memoryStore() }).open(fakeRequest());
    jar.flash("x");
    jar.flash({ any: "json" }, "whatever");
    expectTypeOf(jar.getFlashedMessages()).toEqualTypeOf<unknown[]>();
    expectTypeOf(jar.getFlashedMessages({ withCategories: true })).toEqualTypeOf<Array<[string, unknown]>>();
  });
});

describe("Express declaration merging", () => {
  it("types req.flash and req.getFlashedMessages for every Express handler", () => {
    const handler: import("express").RequestHandler = (req, res) => {
      req.flash("Saved", "success");
      req.flash("one argument, default category");
      req.flash.now({ any: "json" }, "info");
      req.flash.keep();
      expectTypeOf(req.getFlashedMessages({ withCategories: true })).toEqualTypeOf<Array<[string, unknown]>>();
      // @ts-expect-error a category must be a string
      req.flash("x", 42);
      res.end();
    };
    expectTypeOf(handler).toBeFunction();
  });
});
