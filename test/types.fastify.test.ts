/**
 * Type tests of flashkit/fastify's declaration merging: `npm run typecheck` fails if a line marked
 * `@ts-expect-error` compiles.
 */
import Fastify, { type FastifyPluginCallback } from "fastify";
import { describe, expectTypeOf, it } from "vitest";
import { flash } from "../src/adapters/fastify.js";
import type { FlashTemplateFunctions } from "../src/index.js";

describe("Fastify declaration merging", () => {
  it("types request.flash, request.getFlashedMessages and reply.locals in every handler and hook", () => {
    const app = Fastify();
    expectTypeOf(flash({ secret: "x".repeat(32) })).toExtend<FastifyPluginCallback>();
    app.register(flash());
    app.get("/", async (request, reply) => {
      request.flash("Saved", "success");
      request.flash("one argument, default category");
      request.flash.now({ any: "json" }, "info");
      request.flash.keep();
      expectTypeOf(request.flash.peek()).toEqualTypeOf<unknown[]>();
      expectTypeOf(request.getFlashedMessages({ withCategories: true })).toEqualTypeOf<Array<[string, unknown]>>();
      expectTypeOf(request.getFlashedMessages({ categoryFilter: ["error"] })).toEqualTypeOf<unknown[]>();
      // @ts-expect-error a category must be a string
      request.flash("x", 42);
      // @ts-expect-error withCategories is a boolean
      request.getFlashedMessages({ withCategories: "yes" });
      expectTypeOf(reply.locals).toEqualTypeOf<Record<string, unknown> | undefined>();
      const get = reply.locals?.get_flashed_messages as FlashTemplateFunctions["get_flashed_messages"] | undefined;
      return get?.(true) ?? [];
    });
    app.addHook("onRequest", async (request) => {
      expectTypeOf(request.flash).toBeFunction();
    });
  });
});
