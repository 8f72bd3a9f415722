// The Astro app of the conformance and no-loss tests (built and served by scripts/astro-app.js):
// the Flask protocol's routes as endpoints, flashkit/astro's middleware in front of them.
import node from "@astrojs/node";
import { defineConfig } from "astro/config";
import { flashkitAliases } from "../../scripts/astro-app.js";

export default defineConfig({
  output: "server",
  adapter: node({ mode: "standalone" }),
  // The protocol's clients are scripts that send no Origin header; the example app keeps the check.
  security: { checkOrigin: false },
  vite: { resolve: { alias: flashkitAliases() } },
});
