/**
 * The Express (4 and 5) conformance adapter: routes, the body as text, `req.flash` /
 * `req.getFlashedMessages` handed to the shared interpreter.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { flash as flashMiddleware } from "../../adapters/express.js";
import { type ConformanceFlashApi, handleDo, NOT_FOUND } from "../protocol.js";
import type { ConformanceAdapterFactory, NodeHandler } from "./types.js";

type Express = typeof import("express");

/** Builds the Express protocol app; with the session store, behind express-session and its MemoryStore. */
export const expressAdapter: ConformanceAdapterFactory = async ({ flash, framework, session = false }) => {
  const express = (framework ?? (await import("express")).default) as Express;
  const app = express();
  const sessions: RequestHandler[] = [];
  if (session) {
    const expressSession = (await import("express-session")).default;
    const secret = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("hex");
    sessions.push(expressSession({ secret, resave: false, saveUninitialized: false }));
  }
  app.disable("x-powered-by");
  app.disable("etag");

  app.get("/health", (_req, res) => {
    res.type("text/plain").send("ok");
  });
  // Flask reads the body with get_json(force=True): any content type, parsed as JSON.
  app.post("/do", express.text({ type: () => true, limit: "1mb" }), ...sessions, flashMiddleware(flash), (req, res) => {
    const api: ConformanceFlashApi = {
      flash: (message, category) => (category === undefined ? req.flash(message) : req.flash(message, category)),
      getFlashedMessages: (options) => req.getFlashedMessages(options),
    };
    const { status, body } = handleDo(typeof req.body === "string" ? req.body : "", api);
    res.status(status).json(body);
  });
  app.use((_req, res) => {
    res.status(NOT_FOUND.status).json(NOT_FOUND.body);
  });
  // Body-parser failures (too large, bad charset) and anything thrown: JSON, with their status.
  app.use((error: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 500).json({ error: String(error.message ?? error) });
  });
  return app as unknown as NodeHandler;
};
