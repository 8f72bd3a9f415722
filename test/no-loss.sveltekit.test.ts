/**
 * The no-loss workload (no-loss-suite.ts) on flashkit/sveltekit: `POST /flash/:id` and `GET /read`
 * as a `+server.ts` of test/sveltekit-app under flashkit's `handle` with the default cookie store,
 * built with adapter-node and served by its handler.
 */
import { beforeAll } from "vitest";
import { describeNoLoss, NO_LOSS_SECRET } from "./no-loss-suite.js";
import { buildSvelteKit, SVELTEKIT_APPS, SVELTEKIT_BUILD_TIMEOUT, startSvelteKit } from "./sveltekit-server.js";

beforeAll(() => buildSvelteKit(SVELTEKIT_APPS.conformance), SVELTEKIT_BUILD_TIMEOUT);

describeNoLoss("sveltekit + cookie store", {
  start: () => startSvelteKit(SVELTEKIT_APPS.conformance, { FLASH_SECRET: NO_LOSS_SECRET }),
});
