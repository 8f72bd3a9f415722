/**
 * The Koa (2 and 3) test app: routes by method and path (no router package), the body as text, the
 * session middleware (with the session store) and flashkit around each route, or with `mount: "app"`
 * installed app-wide.
 */
import type { IncomingMessage } from "node:http";
import type Koa from "koa";
import { flash as flashMiddleware } from "../../adapters/koa.js";
import {
  BODY_LIMIT,
  flashApi,
  matchRoute,
  NOT_FOUND,
  randomHexSecret,
  type TestAppFactory,
  type TestRouteResponse,
} from "./routes.js";

/**
 * Builds the Koa app; `framework` picks Koa 2 (the `koa2` alias) instead of Koa 3. With the session
 * store, each route runs behind koa-session keeping its sessions in this process (its cookie holds
 * only the session's id), as express-session's MemoryStore and @fastify/session's default store do
 * for the other frameworks: koa-session's default keeps the whole session in its cookie, which a
 * browser drops past 4096 bytes.
 */
export const koaApp: TestAppFactory = async ({
  flash,
  routes,
  notFound = NOT_FOUND,
  framework,
  session,
  mount = "routes",
  native,
}) => {
  const KoaClass = (framework ?? (await import("koa")).default) as typeof Koa;
  const app = new KoaClass();
  const flashkit = flashMiddleware(flash);
  let sessions: Koa.Middleware | undefined;
  if (session) {
    app.keys = [randomHexSecret()];
    const held = new Map<string, unknown>();
    const store = {
      get: (key: string) => held.get(key),
      set: (key: string, value: unknown) => {
        held.set(key, value);
      },
      destroy: (key: string) => {
        held.delete(key);
      },
    };
    sessions = (await import("koa-session")).default(
      { signed: true, store },
      app as never,
    ) as unknown as Koa.Middleware;
  }
  if (mount === "app") {
    if (sessions) app.use(sessions);
    app.use(flashkit);
  }
  native?.(app);

  // Anything thrown: JSON, with its status.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, message } = error as { status?: number; message?: string };
      ctx.status = status ?? 500;
      ctx.body = { error: String(message ?? error) };
    }
  });
  app.use(async (ctx) => {
    const found = matchRoute(routes, ctx.method, ctx.path);
    if (!found) return send(ctx, notFound);
    const { route, params } = found;
    const body = route.body ? await readText(ctx.req) : "";
    const respond = async () => {
      send(
        ctx,
        await route.handle({ params, query: new URLSearchParams(ctx.querystring), body, flash: flashApi(ctx) }),
      );
    };
    if (mount === "app") return respond();
    const run = () => flashkit(ctx, respond);
    return sessions ? sessions(ctx, run) : run();
  });
  return { handler: app.callback(), close: async () => {} };
};

function send(ctx: Koa.Context, answer: TestRouteResponse): void {
  if (answer.headers) ctx.set(answer.headers as Record<string, string>);
  ctx.status = answer.status ?? 200;
  if ("json" in answer) {
    ctx.type = "json";
    ctx.body = JSON.stringify(answer.json);
  } else if (answer.text !== undefined) {
    ctx.type = answer.type ?? "text/plain";
    ctx.body = answer.text;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw Object.assign(new Error("request entity too large"), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
