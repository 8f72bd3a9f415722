// The Next.js app of the conformance and no-loss tests (scripts/next-app.js builds and serves it).
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** @type {import("next").NextConfig} */
export default {
  // The repository type-checks the app with its own tsc (test/next.test.ts); Next's check needs the typescript JS API.
  typescript: { ignoreBuildErrors: true },
  // flashkit's proxy reads Next's RSC headers to tell a client-side navigation from a prefetch.
  skipProxyUrlNormalize: true,
  outputFileTracingRoot: root,
  turbopack: { root },
  ...(process.env.NEXT_OUTPUT === "standalone" ? { output: "standalone" } : {}),
};
