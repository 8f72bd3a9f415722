// examples/astro/astro.config.mjs
import node from "@astrojs/node";
import { defineConfig } from "astro/config";
import { flashkitAliases } from "../../scripts/astro-app.js";

export default defineConfig({
  output: "server",
  adapter: node({ mode: "standalone" }),
  // Links marked data-astro-prefetch are prefetched on hover; prefetch() does it from a script.
  prefetch: true,
  // The hosts this server answers as (Astro trusts no other Host header, and checks a form post's
  // Origin against it): the tests serve it on 127.0.0.1; a deployment names its own domain.
  security: { allowedDomains: [{ hostname: "127.0.0.1" }, { hostname: "localhost" }] },
  // Inside this repository only: flashkit from its build in dist/ (an app of yours gets it from node_modules).
  vite: { resolve: { alias: flashkitAliases() } },
});
