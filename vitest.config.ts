import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// "flashkit-source" points the package's `#signing` import at the TypeScript sources.
export default defineConfig({
  resolve: { conditions: ["flashkit-source", ...defaultServerConditions] },
  ssr: { resolve: { conditions: ["flashkit-source", ...defaultServerConditions] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
