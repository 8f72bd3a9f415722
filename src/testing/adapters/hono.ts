/**
 * The Hono conformance adapter: Hono routes, `c.var.flash` / `c.var.getFlashedMessages` handed to the
 * shared interpreter, bridged to a Node listener by `@hono/node-server`.
 */
import type { Hono as HonoApp } from "hono";
import { flash as flashMiddleware } from "../../adapters/hono.js";
import { type ConformanceFlashApi, handleDo, NOT_FOUND } from "../protocol.js";
import type { ConformanceAdapterFactory, NodeHandler } from "./types.js";

/** Builds the Hono protocol app. */
export const honoAdapter: ConformanceAdapterFactory = async ({ flash, framework }) => {
  const { Hono } = (framework ?? (await import("hono"))) as { Hono: typeof HonoApp };
  const { getRequestListener } = await import("@hono/node-server");
  const app = new Hono();

  app.get("/health", (c) => c.text("ok"));
  // Flask reads the body with get_json(force=True): any content type, parsed as JSON.
  app.post("/do", flashMiddleware(flash), async (c) => {
    const text = await c.req.text();
    const api: ConformanceFlashApi = {
      flash: (message, category) => (category === undefined ? c.var.flash(message) : c.var.flash(message, category)),
      getFlashedMessages: (options) => c.var.getFlashedMessages(options),
    };
    const { status, body } = handleDo(text, api);
    return c.json(body, status as 200);
  });
  app.notFound((c) => c.json(NOT_FOUND.body, NOT_FOUND.status as 404));
  app.onError((error, c) => c.json({ error: error.message }, 500));
  return getRequestListener(app.fetch) as NodeHandler;
};
