/**
 * The Express (4 and 5) test app: the table's routes, each behind the body parser (when it reads the
 * body), the session middleware (with the session store) and flashkit, or with `mount: "app"` behind
 * the two installed app-wide.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { flash as flashMiddleware } from "../../adapters/express.js";
import { flashApi, NOT_FOUND, randomHexSecret, type TestAppFactory, type TestRouteResponse } from "./routes.js";

type Express = typeof import("express");

/** Builds the Express app; with the session store, behind express-session and its MemoryStore. */
export const expressApp: TestAppFactory = async ({
  flash,
  routes,
  notFound = NOT_FOUND,
  framework,
  session,
  mount = "routes",
  native,
}) => {
  const express = (framework ?? (await import("express")).default) as Express;
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  let perRoute: RequestHandler[] = [];
  if (session) {
    const expressSession = (await import("express-session")).default;
    perRoute.push(expressSession({ secret: randomHexSecret(), resave: false, saveUninitialized: false }));
  }
  perRoute.push(flashMiddleware(flash));
  if (mount === "app") {
    app.use(...perRoute);
    perRoute = [];
  }
  native?.(app);
  const readBody = express.text({ type: () => true, limit: "1mb" });

  for (const route of routes) {
    const handlers = route.body ? [readBody, ...perRoute] : perRoute;
    app[route.method === "GET" ? "get" : "post"](route.path, ...handlers, async (req, res, next) => {
      try {
        const answer = await route.handle({
          params: req.params as Record<string, string>,
          query: new URL(req.originalUrl, "http://app.test").searchParams,
          body: route.body && typeof req.body === "string" ? req.body : "",
          flash: flashApi(req),
        });
        send(res, answer);
      } catch (error) {
        next(error);
      }
    });
  }
  app.use((_req, res) => {
    send(res, notFound);
  });
  // Body-parser failures (too large, bad charset) and anything thrown: JSON, with their status.
  app.use((error: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 500).json({ error: String(error.message ?? error) });
  });
  return { handler: app as never, close: async () => {} };
};

/** Sends a route's answer with Express's response methods (the Nest app on Express uses it too). */
export function send(res: Response, answer: TestRouteResponse): void {
  if (answer.headers) res.set(answer.headers);
  res.status(answer.status ?? 200);
  if (answer.type) res.type(answer.type);
  if ("json" in answer) res.json(answer.json);
  else if (answer.text !== undefined) res.send(answer.text);
  else res.end();
}
