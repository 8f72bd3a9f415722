/**
 * Flask conformance of flashkit/nuxt: the protocol served by Nitro server routes of a Nuxt 4 app
 * (test/nuxt-app, flashkit/nuxt's middleware with an `instance` file: the cookie store with Flask's
 * limits, read with flashkit/h3's `useFlash(event)`), built with `nuxi build` and run on Node 22.
 */
import { beforeAll, describe } from "vitest";
import { describeConformance } from "./conformance-suite.js";
import { buildNuxt, hasNode22, NUXT_APPS, NUXT_BUILD_TIMEOUT, startNuxt } from "./nuxt-server.js";

describe.skipIf(!hasNode22())("nuxt", () => {
  beforeAll(() => buildNuxt(NUXT_APPS.conformance), NUXT_BUILD_TIMEOUT);

  describeConformance("nuxt + cookie store", {
    start: () =>
      startNuxt(NUXT_APPS.conformance, { env: { FLASH_SECRET: "conformance-nuxt-secret-0123456789-0123456789" } }),
    store: "cookie",
  });
});
