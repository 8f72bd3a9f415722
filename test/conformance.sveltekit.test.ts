/**
 * Flask conformance of flashkit/sveltekit: the protocol served by a catch-all `+server.ts` of a
 * SvelteKit 2 app (test/sveltekit-app, `event.locals.flash` from flashkit's `handle`, the cookie
 * store with Flask's limits), built with adapter-node and served by its handler.
 */
import { beforeAll } from "vitest";
import { describeConformance } from "./conformance-suite.js";
import { buildSvelteKit, SVELTEKIT_APPS, SVELTEKIT_BUILD_TIMEOUT, startSvelteKit } from "./sveltekit-server.js";

beforeAll(() => buildSvelteKit(SVELTEKIT_APPS.conformance), SVELTEKIT_BUILD_TIMEOUT);

describeConformance("sveltekit + cookie store", {
  start: () =>
    startSvelteKit(SVELTEKIT_APPS.conformance, { FLASH_SECRET: "conformance-sveltekit-secret-0123456789-012345" }),
  store: "cookie",
});
