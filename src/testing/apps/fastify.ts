/**
 * The Fastify 5 test app: the table's routes, every body read as text. flashkit's plugin covers the
 * whole app (whatever `mount` says); with the session store it is registered before @fastify/cookie +
 * @fastify/session (its in-memory store), as flashkit/fastify requires.
 */
import type { FastifyReply } from "fastify";
import { flash as flashPlugin } from "../../adapters/fastify.js";
import {
  BODY_LIMIT,
  flashApi,
  NOT_FOUND,
  randomHexSecret,
  type TestAppFactory,
  type TestRouteResponse,
} from "./routes.js";

type FastifyFactory = typeof import("fastify").default;

/** Builds the Fastify app. */
export const fastifyApp: TestAppFactory = async ({
  flash,
  routes,
  notFound = NOT_FOUND,
  framework,
  session,
  native,
}) => {
  const fastify = (framework ?? (await import("fastify")).default) as FastifyFactory;
  const app = fastify({ bodyLimit: BODY_LIMIT });
  // Flask reads the body with get_json(force=True): any content type, parsed as JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  await app.register(flashPlugin(flash));
  if (session) {
    await app.register((await import("@fastify/cookie")).default);
    await app.register((await import("@fastify/session")).default, {
      secret: randomHexSecret(),
      saveUninitialized: false,
      // Its defaults re-send the cookie on every request and only over HTTPS.
      rolling: false,
      cookie: { secure: false },
    });
  }
  native?.(app);

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const answer = await route.handle({
          params: request.params as Record<string, string>,
          query: new URL(request.url, "http://app.test").searchParams,
          body: route.body && typeof request.body === "string" ? request.body : "",
          flash: flashApi(request),
        });
        return send(reply, answer);
      },
    });
  }
  app.setNotFoundHandler((_request, reply) => send(reply, notFound));
  // Body-size failures and anything thrown: JSON, with their status.
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    reply.code(error.statusCode ?? 500).send({ error: String(error.message ?? error) });
  });
  await app.ready();
  return { handler: (req, res) => app.routing(req, res), close: () => app.close() };
};

/** Sends a route's answer with Fastify's reply methods (the Nest app on Fastify uses it too). */
export function send(reply: FastifyReply, answer: TestRouteResponse): FastifyReply {
  if (answer.headers) reply.headers(answer.headers);
  reply.code(answer.status ?? 200);
  if (answer.type) reply.type(answer.type === "html" ? "text/html; charset=utf-8" : answer.type);
  if ("json" in answer) return reply.type("application/json; charset=utf-8").send(JSON.stringify(answer.json));
  return reply.send(answer.text);
}
