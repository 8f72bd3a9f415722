/**
 * The Fastify 5 conformance adapter: routes, the body as text, `request.flash` /
 * `request.getFlashedMessages` handed to the shared interpreter. With the session store, flashkit is
 * registered before @fastify/cookie + @fastify/session (its in-memory store), as flashkit/fastify requires.
 */
import { flash as flashPlugin } from "../../adapters/fastify.js";
import { type ConformanceFlashApi, handleDo, NOT_FOUND } from "../protocol.js";
import type { ConformanceAdapterFactory, NodeHandler } from "./types.js";

type FastifyFactory = typeof import("fastify").default;

/** The largest body the protocol reads, as Express's `express.text({ limit: "1mb" })`. */
const BODY_LIMIT = 1024 * 1024;

/** Builds the Fastify protocol app. */
export const fastifyAdapter: ConformanceAdapterFactory = async ({ flash, framework, session = false }) => {
  const fastify = (framework ?? (await import("fastify")).default) as FastifyFactory;
  const app = fastify({ bodyLimit: BODY_LIMIT });
  // Flask reads the body with get_json(force=True): any content type, parsed as JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  await app.register(flashPlugin(flash));
  if (session) {
    await app.register((await import("@fastify/cookie")).default);
    const secret = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("hex");
    await app.register((await import("@fastify/session")).default, {
      secret,
      saveUninitialized: false,
      // Its defaults re-send the cookie on every request and only over HTTPS.
      rolling: false,
      cookie: { secure: false },
    });
  }

  app.get("/health", (_request, reply) => {
    reply.type("text/plain").send("ok");
  });
  app.post("/do", (request, reply) => {
    const api: ConformanceFlashApi = {
      flash: (message, category) =>
        category === undefined ? request.flash(message) : request.flash(message, category),
      getFlashedMessages: (options) => request.getFlashedMessages(options),
    };
    const { status, body } = handleDo(typeof request.body === "string" ? request.body : "", api);
    reply.code(status).send(body);
  });
  app.setNotFoundHandler((_request, reply) => {
    reply.code(NOT_FOUND.status).send(NOT_FOUND.body);
  });
  // Body-size failures and anything thrown: JSON, with their status.
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    reply.code(error.statusCode ?? 500).send({ error: String(error.message ?? error) });
  });
  await app.ready();
  return ((req, res) => app.routing(req, res)) as NodeHandler;
};
