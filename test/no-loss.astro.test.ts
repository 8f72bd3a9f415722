/**
 * The no-loss workload (no-loss-suite.ts) on flashkit/astro: endpoints of an Astro 5 app
 * (test/astro-app, `POST /flash/[id]` and `GET /read` through `locals.flash`, the default cookie
 * store), built and run with the Node adapter's standalone server.
 */
import { beforeAll } from "vitest";
import { ASTRO_APPS, ASTRO_BUILD_TIMEOUT, buildAstro, startAstro } from "./astro-server.js";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";

beforeAll(() => buildAstro(ASTRO_APPS.protocol), ASTRO_BUILD_TIMEOUT);

describeNoLoss("astro + cookie store", {
  start: () => startAstro(ASTRO_APPS.protocol, { env: { FLASH_SECRET: NO_LOSS_SECRET } }),
});
