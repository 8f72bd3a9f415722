import "reflect-metadata";
import { fileURLToPath } from "node:url";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify";
import { installFlash } from "flashkit/nunjucks";
import nunjucks from "nunjucks";
import { AppModule } from "./app.module.js";

const VIEWS = fileURLToPath(new URL("../views", import.meta.url));

// Express platform: Nunjucks renders @Render() views through res.render(), with res.locals, where
// flashkit puts get_flashed_messages() and flashMessages() reads them.
async function onExpress(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  installFlash(nunjucks.configure(VIEWS, { autoescape: true, express: app.getHttpAdapter().getInstance() }));
  app.setViewEngine("njk");
  return app;
}

// Fastify platform: @fastify/view renders them through reply.view(), with reply.locals.
async function onFastify(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
  app.setViewEngine({
    engine: { nunjucks },
    templates: VIEWS,
    viewExt: "njk",
    options: { onConfigure: (env: nunjucks.Environment) => installFlash(env) },
  });
  return app;
}

const app = process.env.PLATFORM === "fastify" ? await onFastify() : await onExpress();
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "127.0.0.1");
console.log(`flashkit nest example (${process.env.PLATFORM ?? "express"}) listening on ${await app.getUrl()}`);
