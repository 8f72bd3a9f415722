import { defineMiddleware } from "astro:middleware";
import { cookieStore, createFlash } from "flashkit";
import { createFlashMiddleware } from "flashkit/astro";

/** The conformance protocol's instance: Flask's limits, as createConformanceApp() sets them. */
const conformance = createFlashMiddleware(() =>
  createFlash({
    store: cookieStore({ secret: process.env.FLASH_SECRET, maxBytes: 8192, maxAddedBytes: 4098 }),
    maxMessages: 50,
    maxAddedMessages: 50,
  }),
);

/** The no-loss workload's instance: the defaults. */
const noLoss = createFlashMiddleware();

export const onRequest = defineMiddleware((context, next) => {
  const { pathname } = context.url;
  return pathname === "/read" || pathname.startsWith("/flash/") ? noLoss(context, next) : conformance(context, next);
});
