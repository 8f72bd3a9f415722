/**
 * The Hono test app: the table's routes behind flashkit's middleware (hono-app.ts), bridged to a Node
 * listener by `@hono/node-server`.
 */
import type { Hono as HonoApp } from "hono";
import { honoRoutesApp } from "./hono-app.js";
import type { TestAppFactory } from "./routes.js";

/** Builds the Hono app. */
export const honoApp: TestAppFactory = async ({ flash, routes, notFound, framework }) => {
  const { Hono } = (framework ?? (await import("hono"))) as { Hono: typeof HonoApp };
  const { getRequestListener } = await import("@hono/node-server");
  const app = honoRoutesApp({ flash, routes, notFound, Hono });
  return { handler: getRequestListener(app.fetch), close: async () => {} };
};
