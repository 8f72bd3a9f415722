/**
 * The side-requests app (side-requests.all.test.ts) on NestJS 11, on its Express or Fastify platform:
 * `POST /flash` flashes "Saved" through `@Flash()` and redirects (303, `@Redirect()`) to `/page`, which
 * answers every method (`@All()`) with its two reads (and with `?late` flashes after reading). The
 * decorators are applied as functions: the files of the root tsconfig compile without
 * experimentalDecorators (test/nest-app has the decorator syntax).
 */
import { All, Controller, HttpCode, Module, Post, Query, Redirect } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { Flash, FlashModule, type RequestFlash } from "../src/adapters/nest.js";
import type { FlashAdapterOptions } from "../src/adapters/shared.js";
import { type StartedServer, startServer } from "../src/testing/server.js";

type Read = (options: { withCategories: true }) => unknown[];

/** Starts the app; `page` makes the body of `/page` from the request's reads. */
export async function startNestSideApp(
  platform: "express" | "fastify",
  options: FlashAdapterOptions,
  page: (read: Read, flashLate: (() => void) | undefined) => unknown,
): Promise<StartedServer> {
  class SideController {
    flash(flash: RequestFlash): void {
      flash("Saved", "success");
    }
    page(flash: RequestFlash, query: Record<string, string>): unknown {
      return page(flash.getFlashedMessages, "late" in query ? () => flash("Late", "info") : undefined);
    }
  }
  const proto = SideController.prototype;
  const method = (key: "flash" | "page") => [proto, key, Object.getOwnPropertyDescriptor(proto, key)!] as const;
  Post("flash")(...method("flash"));
  Redirect("/page", 303)(...method("flash"));
  Flash()(proto, "flash", 0);
  All("page")(...method("page"));
  HttpCode(200)(...method("page"));
  Flash()(proto, "page", 0);
  Query()(proto, "page", 1);
  Controller()(SideController);
  class SideModule {}
  Module({ imports: [FlashModule.forRoot(options)], controllers: [SideController] })(SideModule);

  const app =
    platform === "express"
      ? await NestFactory.create(SideModule, { logger: false })
      : await NestFactory.create(SideModule, new FastifyAdapter(), { logger: false });
  await app.init();
  if (platform === "fastify") await app.getHttpAdapter().getInstance().ready();
  // Nest's own Node server, listened on by startServer() after app.init() (and Fastify's ready()).
  const server = await startServer(app.getHttpServer());
  return { ...server, close: async () => Promise.all([server.close(), app.close()]).then(() => undefined) };
}
