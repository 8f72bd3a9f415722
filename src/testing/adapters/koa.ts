/**
 * The Koa (2 and 3) conformance adapter: routes by method and path, the body as text,
 * `ctx.flash` / `ctx.getFlashedMessages` handed to the shared interpreter.
 */
import type { IncomingMessage } from "node:http";
import type Koa from "koa";
import { flash as flashMiddleware } from "../../adapters/koa.js";
import { type ConformanceFlashApi, handleDo, NOT_FOUND } from "../protocol.js";
import type { ConformanceAdapterFactory, NodeHandler } from "./types.js";

/** The largest body the protocol reads, as Express's `express.text({ limit: "1mb" })`. */
const BODY_LIMIT = 1024 * 1024;

/**
 * Builds the Koa protocol app; `framework` picks Koa 2 (the `koa2` alias) instead of Koa 3. With the
 * session store, `/do` runs behind koa-session (signed cookie sessions).
 */
export const koaAdapter: ConformanceAdapterFactory = async ({ flash, framework, session = false }) => {
  const KoaClass = (framework ?? (await import("koa")).default) as typeof Koa;
  const app = new KoaClass();
  const flashkit = flashMiddleware(flash);
  let sessions: Koa.Middleware | undefined;
  if (session) {
    app.keys = [Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("hex")];
    sessions = (await import("koa-session")).default({ signed: true }, app as never) as unknown as Koa.Middleware;
  }

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
  app.use(async (ctx, next) => {
    if (ctx.method === "GET" && ctx.path === "/health") {
      ctx.type = "text/plain";
      ctx.body = "ok";
      return;
    }
    if (ctx.method === "POST" && ctx.path === "/do") {
      // Flask reads the body with get_json(force=True): any content type, parsed as JSON.
      const text = await readText(ctx.req);
      const run = () =>
        flashkit(ctx, async () => {
          const api: ConformanceFlashApi = {
            flash: (message, category) => (category === undefined ? ctx.flash(message) : ctx.flash(message, category)),
            getFlashedMessages: (options) => ctx.getFlashedMessages(options),
          };
          const { status, body } = handleDo(text, api);
          ctx.status = status;
          ctx.body = body;
        });
      return sessions ? sessions(ctx, run) : run();
    }
    await next();
    ctx.status = NOT_FOUND.status;
    ctx.body = NOT_FOUND.body;
  });
  return app.callback() as NodeHandler;
};

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
