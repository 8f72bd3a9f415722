/**
 * The Fastify app the session-store tests share (src/adapters/fastify.test.ts and
 * src/stores/session.test.ts): flashkit on the session store, before a session plugin.
 */
import fastifyCookie from "@fastify/cookie";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { flash } from "../src/adapters/fastify.js";
import { sessionStore } from "../src/stores/session.js";

/**
 * A Fastify app with @fastify/cookie, flashkit on the session store, then the session plugin that
 * `registerSession` registers, and four routes: `/flash` (runs `flashes`, then redirects to `/read`),
 * `/read` (the messages with their categories), `/raw` (the session's `_flashes`, or `null`) and
 * `/quiet` (touches nothing).
 */
export async function fastifySessionApp(
  registerSession: (app: FastifyInstance) => Promise<void>,
  flashes: (request: FastifyRequest) => void,
): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(fastifyCookie);
  await app.register(flash({ store: sessionStore() }));
  await registerSession(app);
  app.get("/flash", async (request, reply) => {
    flashes(request);
    return reply.redirect("/read");
  });
  app.get("/read", async (request) => request.getFlashedMessages({ withCategories: true }));
  app.get("/raw", async (request) => {
    const session = (request as unknown as { session: { get(key: string): unknown } }).session;
    return { flashes: session.get("_flashes") ?? null };
  });
  app.get("/quiet", async () => "quiet");
  return app;
}
