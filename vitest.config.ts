import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["flashkit-source", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["flashkit-source", "node", "import", "default"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    typecheck: { enabled: false },
  },
});
