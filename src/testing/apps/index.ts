/**
 * The test apps by framework: one module each, built from a route table (routes.ts).
 */
import { expressApp } from "./express.js";
import { fastifyApp } from "./fastify.js";
import { fetchApp } from "./fetch.js";
import { honoApp } from "./hono.js";
import { koaApp } from "./koa.js";
import { reactRouterApp, reactRouterMiddlewareApp } from "./react-router.js";
import type { TestAppFactory } from "./routes.js";

/** The app of each framework flashkit has an adapter for. */
export const testApps = {
  express: expressApp,
  fastify: fastifyApp,
  koa: koaApp,
  hono: honoApp,
  fetch: fetchApp,
  "react-router": reactRouterApp,
  "react-router-middleware": reactRouterMiddlewareApp,
} satisfies Record<string, TestAppFactory>;

/** The name of a framework of {@link testApps}. */
export type TestAppName = keyof typeof testApps;
