/**
 * The Hono test app: the table's routes behind flashkit's middleware (hono-app.ts; in front of each, or
 * with `mount: "app"` app-wide), bridged to a Node listener by `@hono/node-server` (and served as it is
 * on Bun and Deno).
 */
import type { Hono as HonoApp } from "hono";
import { honoRoutesApp } from "./hono-app.js";
import { NODE_SERVER_OPTIONS, type TestAppFactory } from "./routes.js";

/** Builds the Hono app. */
export const honoApp: TestAppFactory = async ({ flash, routes, notFound, framework, mount, native }) => {
  const { Hono } = (framework ?? (await import("hono"))) as { Hono: typeof HonoApp };
  const { getRequestListener } = await import("@hono/node-server");
  const app = honoRoutesApp({ flash, routes, notFound, Hono, mount, native });
  const fetch = async (request: Request) => app.fetch(request);
  return { handler: getRequestListener(fetch, NODE_SERVER_OPTIONS), fetch, close: async () => {} };
};
