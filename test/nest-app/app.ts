/**
 * A NestJS 11 app written as Nest users write one (decorators, constructor injection by type), over
 * flashkit/nest: what module.nest.test.ts drives through Nest's testing module and supertest, on the
 * Express and Fastify platforms.
 */
import "reflect-metadata";
import { fileURLToPath } from "node:url";
import {
  type ArgumentsHost,
  BadRequestException,
  Body,
  type CallHandler,
  type CanActivate,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  HttpCode,
  type INestApplication,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type ModuleMetadata,
  type NestInterceptor,
  type NestModule,
  Post,
  Redirect,
  Render,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from "@nestjs/common";
import { HttpAdapterHost } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { Test } from "@nestjs/testing";
import nunjucks from "nunjucks";
import { type Observable, tap } from "rxjs";
import { Flash, FlashModule, flashOf, type RequestFlash } from "../../src/adapters/nest.js";
import { installFlash } from "../../src/templates/nunjucks.js";

/** The categories of this app: a misspelt one is a compile error (checked by tsc -p test/nest-app). */
export type TestFlashes = { success: string; error: string; info: string; message: string };
type AppFlash = RequestFlash<TestFlashes>;

const VIEWS = fileURLToPath(new URL("views", import.meta.url));

/** Thrown by a route; the filter below turns it into a flash and a redirect back to the form. */
export class ProfileInvalid extends Error {}

@Catch(ProfileInvalid)
export class FlashAndRedirectBack implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: ProfileInvalid, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    flashOf<TestFlashes>(http.getRequest())(exception.message, "error");
    this.adapterHost.httpAdapter.redirect(http.getResponse(), 303, "/read");
  }
}

/** Lets nobody in, and says why in a flash. */
@Injectable()
export class MembersOnly implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    flashOf<TestFlashes>(context.switchToHttp().getRequest())("Please log in first", "error");
    return false;
  }
}

/** Flashes once the handler has run, before Nest sends the response. */
@Injectable()
export class Audited implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap(() => flashOf<TestFlashes>(context.switchToHttp().getRequest())("Audited", "info")));
  }
}

@Controller()
export class FlashController {
  @Post("flash")
  @Redirect("/read", 303)
  flash(@Body() body: { message?: string; category?: "success" | "error" } | undefined, @Flash() flash: AppFlash) {
    // Fastify leaves the body undefined when a POST has none.
    flash(body?.message ?? "Saved", body?.category ?? "success");
    // @ts-expect-error: "sucess" is not a category of TestFlashes
    if (body?.message === "never") flash("Saved", "sucess");
  }

  @Post("flash-twice")
  @Redirect("/read", 303)
  flashTwice(@Flash() flash: AppFlash) {
    flash("First", "info");
    flash("Second", "success");
  }

  @Post("flash-dynamic")
  @Redirect("/", 303)
  flashDynamic(@Flash() flash: AppFlash) {
    flash("Sent elsewhere", "info");
    return { url: "/read?from=dynamic", statusCode: 302 };
  }

  @Get("read")
  read(@Flash() flash: AppFlash) {
    return { messages: flash.getFlashedMessages({ withCategories: true }) };
  }

  @Get("peek")
  peek(@Flash() flash: AppFlash) {
    return { messages: flash.peek() };
  }

  @Get("page")
  @Render("page")
  page(@Flash() flash: AppFlash) {
    flash.now("Shown now", "info");
    return {};
  }

  @Post("throw")
  throw(@Flash() flash: AppFlash): never {
    flash("Before the error", "error");
    throw new BadRequestException("Bad input");
  }

  @Post("profile")
  @UseFilters(FlashAndRedirectBack)
  profile(): never {
    throw new ProfileInvalid("Name is required");
  }

  @Get("members")
  @UseGuards(MembersOnly)
  members() {
    return "members";
  }

  @Post("audited")
  @HttpCode(204)
  @UseInterceptors(Audited)
  audited(@Flash() flash: AppFlash) {
    flash("Handled", "success");
  }
}

/** A root module whose own Nest middleware (`consumer.apply()`) flashes: it runs after flashkit's. */
@Module({ imports: [FlashModule.forRoot({ secret: "nest-app-middleware-secret-0123456789-0123" })] })
export class MiddlewareFlashModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((req: { flash: AppFlash }, _res: unknown, next: () => void) => {
        req.flash.now("From Nest middleware", "info");
        next();
      })
      .forRoutes("*");
  }
}

/** The platforms the tests run on. */
export type Platform = "express" | "fastify";

/** Options of {@link startTestApp}. */
export interface TestAppOptions {
  /** The testing module's imports (FlashModule.forRoot(...), ...). */
  imports: NonNullable<ModuleMetadata["imports"]>;
  /** `app.setGlobalPrefix()`. @default none */
  prefix?: string;
  /** Runs on the app before `app.init()`, as a main.ts does (`app.use(session(...))`). */
  before?: (app: INestApplication) => void;
}

/** Builds the app with Nest's testing module on `platform`, with Nunjucks views; `close()` it after. */
export async function startTestApp(platform: Platform, options: TestAppOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: options.imports,
    controllers: [FlashController],
    providers: [MembersOnly, Audited, FlashAndRedirectBack],
  }).compile();
  const app =
    platform === "express"
      ? moduleRef.createNestApplication({ logger: false })
      : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  if (options.prefix) app.setGlobalPrefix(options.prefix);
  if (platform === "express") {
    const express = app.getHttpAdapter().getInstance();
    installFlash(nunjucks.configure(VIEWS, { autoescape: true, express }));
    express.set("view engine", "njk");
  } else {
    // biome-ignore lint/suspicious/noExplicitAny: NestFastifyApplication's setViewEngine takes @fastify/view's options
    (app as any).setViewEngine({
      engine: { nunjucks },
      templates: VIEWS,
      viewExt: "njk",
      options: { onConfigure: (env: nunjucks.Environment) => installFlash(env) },
    });
  }
  options.before?.(app);
  await app.init();
  if (platform === "fastify") await app.getHttpAdapter().getInstance().ready();
  return app;
}
