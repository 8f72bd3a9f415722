// flashkit/nuxt example: the seed tutorial's two flows on Nuxt 4 (docs/nuxt.md).
export default defineNuxtConfig({
  compatibilityDate: "2025-07-15",
  modules: ["flashkit/nuxt"],
  css: ["bootstrap/dist/css/bootstrap.min.css"],
  app: { head: { title: "flashkit + Nuxt" } },
  devtools: { enabled: false },
  telemetry: false,
});
