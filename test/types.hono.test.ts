/**
 * Type tests for the Hono adapter: `npm run typecheck` fails if a line marked `@ts-expect-error`
 * compiles. The adapter types `c.var.flash` through declaration merging and generics, never by hand in the app.
 */
import { Hono } from "hono";
import { describe, expectTypeOf, it } from "vitest";
import { flash as honoFlash } from "../src/adapters/hono.js";
import { type FlashFunction, memoryStore } from "../src/index.js";

describe("Hono ContextVariableMap", () => {
  it("types c.var.flash, c.get('flash') and the template functions", () => {
    const app = new Hono();
    app.use(honoFlash({ store: memoryStore() }));
    app.post("/", (c) => {
      c.var.flash("Saved", "success");
      c.get("flash").now("shown now");
      c.var.flash.keep();
      expectTypeOf(c.var.getFlashedMessages({ withCategories: true })).toEqualTypeOf<Array<[string, unknown]>>();
      expectTypeOf(c.get("get_flashed_messages")).returns.toEqualTypeOf<unknown[]>();
      // @ts-expect-error a category must be a string
      c.var.flash("x", 42);
      return c.redirect("/");
    });
  });

  it("keeps them beside an app's own variables", () => {
    const app = new Hono<{ Variables: { user: string } }>();
    app.use(honoFlash({ store: memoryStore() }));
    app.get("/", (c) => {
      expectTypeOf(c.var.user).toBeString();
      expectTypeOf(c.var.flash).toEqualTypeOf<FlashFunction<Record<string, unknown>>>();
      return c.text("ok");
    });
  });
});
