/**
 * The no-loss workload (no-loss-suite.ts) on flashkit/next: route handlers of a Next.js 16 app
 * (test/next-app, `POST /flash/[id]` and `GET /read` in `withFlash()`, the default cookie store),
 * built and run with `next start`, each commit going through Next's `cookies().set()`.
 */
import { beforeAll } from "vitest";
import { buildNext, NEXT_APPS, NEXT_BUILD_TIMEOUT, startNext } from "./next-server.js";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";

beforeAll(() => buildNext(NEXT_APPS.conformance), NEXT_BUILD_TIMEOUT);

describeNoLoss("next + cookie store", {
  start: () => startNext(NEXT_APPS.conformance, { env: { FLASH_SECRET: NO_LOSS_SECRET } }),
});
