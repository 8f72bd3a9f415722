/**
 * Flask conformance of the fetch adapter inside workerd (Cloudflare's Workers runtime, no
 * `nodejs_compat`): the Worker of scripts/workerd/worker.ts, with the cookie store on Web Crypto and its
 * secret from the FLASH_SECRET binding, served on 127.0.0.1 and driven over HTTP.
 */
import { describe } from "vitest";
import { describeConformance } from "./conformance-suite.js";
import { HAS_WORKERD, startWorker } from "./workerd.js";

describe.skipIf(!HAS_WORKERD)("in workerd", () => {
  describeConformance("fetch + cookie store in workerd", {
    start: () => startWorker({ adapter: "fetch" }),
    store: "cookie",
  });
});
