/**
 * The test apps by framework: one module each, built from a route table (routes.ts).
 */
import { expressApp } from "./express.js";
import { fastifyApp } from "./fastify.js";
import { fetchApp } from "./fetch.js";
import { honoApp } from "./hono.js";
import { koaApp } from "./koa.js";
import type { TestAppFactory } from "./routes.js";

/** The app of each framework flashkit has an adapter for. */
export const testApps = {
  express: expressApp,
  fastify: fastifyApp,
  koa: koaApp,
  hono: honoApp,
  fetch: fetchApp,
  // Loaded on use: flashkit/react-router imports react-router, an optional peer that an app of another
  // framework (and flashkit/testing's own users) need not have.
  "react-router": async (context) => (await import("./react-router.js")).reactRouterApp(context),
  "react-router-middleware": async (context) => (await import("./react-router.js")).reactRouterMiddlewareApp(context),
  // h3 v2 (`h3`) and v1 (the `h3-v1` alias in flashkit's own tests), loaded on use for the same reason.
  h3: async (context) => (await import("./h3.js")).h3App(context),
  "h3-v1": async (context) => (await import("./h3-v1.js")).h3V1App(context),
} satisfies Record<string, TestAppFactory>;

/** The name of a framework of {@link testApps}. */
export type TestAppName = keyof typeof testApps;
