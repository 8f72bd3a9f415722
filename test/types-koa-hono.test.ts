/**
 * Type tests for the Koa, Hono and fetch adapters: `npm run typecheck` fails if a line marked
 * `@ts-expect-error` compiles. The adapters type `ctx.flash`, `c.var.flash` and `flashOf()` through
 * declaration merging and generics, never by hand in the app.
 */
import Router from "@koa/router";
import { Hono } from "hono";
import Koa from "koa";
import { describe, expectTypeOf, it } from "vitest";
import { type FetchHandler, flashOf, flashTemplatesOf, withFlash } from "../src/adapters/fetch.js";
import { flash as honoFlash } from "../src/adapters/hono.js";
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
