/**
 * The no-loss workload (no-loss-suite.ts) on flashkit/nuxt: Nitro server routes of a Nuxt 4 app
 * (test/nuxt-app with FLASHKIT_APP=no-loss: `POST /flash/[id]` and `GET /read`, the default signed
 * cookie store), built with `nuxt build` and run on Node 22, each commit going out through
 * flashkit/h3 on Nitro's Node response.
 */
import { beforeAll, describe } from "vitest";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";
import { buildNuxt, hasNode22, NUXT_APPS, NUXT_BUILD_TIMEOUT, startNuxt } from "./nuxt-server.js";

describe.skipIf(!hasNode22())("nuxt", () => {
  beforeAll(() => buildNuxt(NUXT_APPS.conformance), NUXT_BUILD_TIMEOUT);

  describeNoLoss("nuxt + cookie store", {
    start: () => startNuxt(NUXT_APPS.conformance, { env: { FLASH_SECRET: NO_LOSS_SECRET, FLASHKIT_APP: "no-loss" } }),
  });
});
