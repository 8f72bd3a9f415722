/**
 * The NestJS 11 test apps, on Nest's Express platform (`nestApp`) and its Fastify platform
 * (`nestFastifyApp`): the table's routes as the methods of one controller, built here with Nest's own
 * decorators (applied as functions), each taking the request's flash through `@Flash()`, with
 * `FlashModule.forRoot()` installing flashkit and a global exception filter answering what no route
 * takes. Nest's body parsers are off: every body is read as text (Flask's `get_json(force=True)`).
 * With the session store (Express platform only) express-session goes in before Nest's own set-up,
 * with `app.use()`, as a `main.ts` does.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ArgumentsHost, INestApplication } from "@nestjs/common";
import { Flash, FlashModule, type RequestFlash } from "../../adapters/nest.js";
import { send as sendExpress } from "./express.js";
import { send as sendFastify } from "./fastify.js";
import {
  BODY_LIMIT,
  flashApi,
  NOT_FOUND,
  randomHexSecret,
  type TestAppContext,
  type TestAppFactory,
  type TestRoute,
  type TestRouteResponse,
} from "./routes.js";

/** Nest's Express or Fastify platform. */
type Platform = "express" | "fastify";

/** What the controller needs of the platform's response to send a route's answer. */
interface Sender {
  send(response: unknown, answer: TestRouteResponse): void;
}

/** Builds the Nest app on the Express platform. */
export const nestApp: TestAppFactory = (context) => buildNestApp(context, "express");

/** Builds the Nest app on the Fastify platform. */
export const nestFastifyApp: TestAppFactory = (context) => buildNestApp(context, "fastify");

async function buildNestApp(
  { flash, routes, notFound = NOT_FOUND, session }: TestAppContext,
  platform: Platform,
): Promise<{ handler: (req: IncomingMessage, res: ServerResponse) => void; close: () => Promise<void> }> {
  const common = await import("@nestjs/common");
  const { NestFactory } = await import("@nestjs/core");
  const sender = platform === "express" ? expressSender : fastifySender;

  class TestController {}
  const proto = TestController.prototype as unknown as Record<string, unknown>;
  routes.forEach((route, index) => {
    const key = `route${index}`;
    proto[key] = async function (this: unknown, request: RawRequest, response: unknown, flash: RequestFlash) {
      sender.send(response, await answerOf(route, request, flash));
    };
    const descriptor = Object.getOwnPropertyDescriptor(proto, key) as PropertyDescriptor;
    (route.method === "GET" ? common.Get : common.Post)(route.path)(proto, key, descriptor);
    common.Req()(proto, key, 0);
    common.Res()(proto, key, 1);
    Flash()(proto, key, 2);
  });
  common.Controller()(TestController);

  class TestExceptionFilter {
    catch(exception: unknown, host: ArgumentsHost): void {
      const response = host.switchToHttp().getResponse();
      if (exception instanceof common.NotFoundException) {
        sender.send(response, notFound);
        return;
      }
      const status = exception instanceof common.HttpException ? exception.getStatus() : 500;
      sender.send(response, { status, json: { error: String((exception as Error)?.message ?? exception) } });
    }
  }
  common.Catch()(TestExceptionFilter);

  class TestModule {}
  common.Module({ imports: [FlashModule.forRoot(flash)], controllers: [TestController] })(TestModule);

  let app: INestApplication;
  if (platform === "express") {
    app = await NestFactory.create(TestModule, { logger: false, bodyParser: false });
    const express = (await import("express")).default;
    if (session) {
      const expressSession = (await import("express-session")).default;
      app.use(expressSession({ secret: randomHexSecret(), resave: false, saveUninitialized: false }));
    }
    app.use(express.text({ type: () => true, limit: BODY_LIMIT }));
  } else {
    if (session) throw new TypeError("the nest-fastify test app has no session middleware: use nest");
    const { FastifyAdapter } = await import("@nestjs/platform-fastify");
    app = await NestFactory.create(TestModule, new FastifyAdapter({ bodyLimit: BODY_LIMIT }), {
      logger: false,
      bodyParser: false,
    });
    const fastify = app.getHttpAdapter().getInstance() as import("fastify").FastifyInstance;
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  }
  // biome-ignore lint/correctness/useHookAtTopLevel: Nest's method, not a React hook
  app.useGlobalFilters(new TestExceptionFilter());
  await app.init();
  const instance = app.getHttpAdapter().getInstance();
  if (platform === "fastify") {
    const fastify = instance as import("fastify").FastifyInstance;
    await fastify.ready();
    return { handler: (req, res) => fastify.routing(req, res), close: () => app.close() };
  }
  return { handler: instance as (req: IncomingMessage, res: ServerResponse) => void, close: () => app.close() };
}

/** Express's `req` and Fastify's `request` alike: what a route reads of them. */
interface RawRequest {
  params: Record<string, string>;
  url: string;
  originalUrl?: string;
  body?: unknown;
}

async function answerOf(route: TestRoute, request: RawRequest, flash: RequestFlash): Promise<TestRouteResponse> {
  return route.handle({
    params: request.params,
    query: new URL(request.originalUrl ?? request.url, "http://app.test").searchParams,
    body: route.body && typeof request.body === "string" ? request.body : "",
    flash: flashApi({ flash, getFlashedMessages: (options) => flash.getFlashedMessages(options) }),
  });
}

const expressSender: Sender = { send: (response, answer) => sendExpress(response as never, answer) };

const fastifySender: Sender = {
  send: (response, answer) => {
    sendFastify(response as never, answer);
  },
};
