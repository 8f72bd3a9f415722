/**
 * Flask conformance of flashkit/astro: the protocol served by endpoints of an Astro 5 app
 * (test/astro-app, flashkit's middleware in front, the cookie store with Flask's limits), built and
 * run with the Node adapter's standalone server; the suite itself is in conformance-suite.ts.
 */
import { beforeAll } from "vitest";
import { ASTRO_APPS, ASTRO_BUILD_TIMEOUT, buildAstro, startAstro } from "./astro-server.js";
import { describeConformance } from "./conformance-suite.js";

beforeAll(() => buildAstro(ASTRO_APPS.protocol), ASTRO_BUILD_TIMEOUT);

describeConformance("astro + cookie store", {
  start: () =>
    startAstro(ASTRO_APPS.protocol, { env: { FLASH_SECRET: "conformance-astro-secret-0123456789-0123456789" } }),
  store: "cookie",
});
