/**
 * Type tests for the Koa adapter: `npm run typecheck` fails if a line marked
 * `@ts-expect-error` compiles. The adapter types `ctx.flash` through declaration merging and generics,
 * never by hand in the app.
 */
import Router from "@koa/router";
import Koa from "koa";
import { describe, expectTypeOf, it } from "vitest";
import { flash as koaFlash } from "../src/adapters/koa.js";
import { createFlash, type FlashFunction, memoryStore } from "../src/index.js";

type AppFlashes = { success: string; error: string; toast: { title: string } };

describe("Koa declaration merging", () => {
  it("types ctx.flash, ctx.getFlashedMessages and the template functions on ctx.state", () => {
    const app = new Koa();
    app.use(koaFlash({ store: memoryStore() }));
    app.use(async (ctx) => {
      ctx.flash("Saved", "success");
      ctx.flash("one argument, default category");
      ctx.flash.now({ any: "json" }, "info");
      ctx.flash.keep();
      expectTypeOf(ctx.flash).toEqualTypeOf<FlashFunction<Record<string, unknown>>>();
      expectTypeOf(ctx.getFlashedMessages({ withCategories: true })).toEqualTypeOf<Array<[string, unknown]>>();
      expectTypeOf(ctx.state.get_flashed_messages).parameters.toEqualTypeOf<unknown[]>();
      expectTypeOf(ctx.state.getFlashedMessages()).toEqualTypeOf<unknown[]>();
      // @ts-expect-error a category must be a string
      ctx.flash("x", 42);
    });
    expectTypeOf(app).toBeObject();
  });

  it("reaches @koa/router's context and apps with their own state", () => {
    const router = new Router();
    router.post("/update_profile", (ctx) => {
      ctx.flash("Profile updated successfully!", "success");
      ctx.redirect("/profile");
    });
    const app = new Koa<{ user: string }>();
    app.use(koaFlash(createFlash<AppFlashes>({ store: memoryStore() })));
    app.use(router.routes());
    app.use((ctx) => {
      expectTypeOf(ctx.state.user).toBeString();
      ctx.flash.peek();
    });
  });
});
