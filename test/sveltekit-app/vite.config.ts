import { fileURLToPath } from "node:url";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

const dist = (path: string) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

export default defineConfig({
  plugins: [sveltekit()],
  // The test helpers that flashkit/testing does not export one by one.
  resolve: {
    alias: {
      "flashkit/testing/routes": dist("testing/apps/routes.js"),
      "flashkit/testing/protocol": dist("testing/protocol.js"),
      "flashkit/testing/no-loss": dist("testing/no-loss-routes.js"),
    },
  },
  logLevel: process.env.VITE_LOG_LEVEL === "silent" ? "silent" : "info",
});
