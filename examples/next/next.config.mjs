// flashkit/next example: the seed tutorial's two flows on Next.js 16 (docs/next.md).
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** @type {import("next").NextConfig} */
export default {
  // The repository type-checks the app with its own tsc (test/next.test.ts).
  typescript: { ignoreBuildErrors: true },
  // flashkit's proxy reads Next's RSC headers to tell a client-side navigation from a prefetch.
  skipProxyUrlNormalize: true,
  outputFileTracingRoot: root,
  turbopack: { root },
  ...(process.env.NEXT_OUTPUT === "standalone" ? { output: "standalone" } : {}),
};
