/**
 * The no-loss workload (no-loss-suite.ts) on the fetch adapter inside workerd, with the cookie store on
 * Web Crypto and its secret from the FLASH_SECRET binding (scripts/workerd/worker.ts).
 */
import { describe } from "vitest";
import { describeNoLoss } from "./no-loss-suite.js";
import { HAS_WORKERD, startWorker } from "./workerd.js";

describe.skipIf(!HAS_WORKERD)("in workerd", () => {
  describeNoLoss("fetch + cookie store in workerd", { start: () => startWorker({ adapter: "fetch" }) });
});
