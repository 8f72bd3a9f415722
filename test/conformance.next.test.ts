/**
 * Flask conformance of flashkit/next: the protocol served by route handlers of a Next.js 16 app
 * (test/next-app, `withFlash()` around each, the cookie store with Flask's limits), built and run
 * with `next start`; the suite itself is in conformance-suite.ts.
 */
import { beforeAll } from "vitest";
import { describeConformance } from "./conformance-suite.js";
import { buildNext, NEXT_APPS, NEXT_BUILD_TIMEOUT, startNext } from "./next-server.js";

beforeAll(() => buildNext(NEXT_APPS.conformance), NEXT_BUILD_TIMEOUT);

describeConformance("next + cookie store", {
  start: () =>
    startNext(NEXT_APPS.conformance, { env: { FLASH_SECRET: "conformance-next-secret-0123456789-0123456789" } }),
  store: "cookie",
});
