import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // flashkit's middleware (app/root.tsx) needs React Router's middleware API.
  future: { v8_middleware: true },
} satisfies Config;
