import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [reactRouter()],
  // Quiet builds in the tests: the bundle sizes are not what they check.
  logLevel: process.env.VITE_LOG_LEVEL === "silent" ? "silent" : "info",
});
