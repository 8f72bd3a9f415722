// The Nuxt app of the conformance and no-loss tests (built and served by scripts/nuxt-app.js): the
// Flask protocol and the no-loss routes as Nitro server routes, over flashkit/nuxt's middleware.
import { fileURLToPath } from "node:url";

const dist = (path: string) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

export default defineNuxtConfig({
  compatibilityDate: "2025-07-15",
  modules: ["flashkit/nuxt"],
  // The instance is picked when the server starts: Flask's limits, or the defaults (FLASHKIT_APP=no-loss).
  flashkit: { instance: "~~/server/flash.ts" },
  // flashkit's test helpers are not part of its exports.
  alias: {
    "flashkit/testing/protocol": dist("testing/protocol.js"),
    "flashkit/testing/no-loss": dist("testing/no-loss-routes.js"),
    "flashkit/testing/routes": dist("testing/apps/routes.js"),
  },
  pages: false,
  devtools: { enabled: false },
  telemetry: false,
});
