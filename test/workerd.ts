/**
 * workerd for the tests that run flashkit inside Cloudflare's Workers runtime
 * (`node scripts/workerd/install.js` puts it in .runtimes/; `.ci/run` does). Without it a test fails
 * under CI (with what to run) and is skipped loudly elsewhere: use `describe.skipIf(!HAS_WORKERD)`.
 */
import { existsSync } from "node:fs";
import { workerdBinary } from "../scripts/workerd/install.js";
import { bundleWorker, type ConformanceWorkerOptions, startConformanceWorker } from "../scripts/workerd/serve.js";

function findWorkerd(): boolean {
  if (existsSync(workerdBinary())) return true;
  const hint = `workerd is not installed (${workerdBinary()} is missing): run node scripts/workerd/install.js`;
  if (process.env.CI) throw new Error(`the workerd tests cannot run: ${hint}`);
  console.warn(`\n!!! SKIPPING the workerd tests: ${hint} !!!\n`);
  return false;
}

/** Whether workerd can run here. Throws under CI when it cannot. */
export const HAS_WORKERD: boolean = findWorkerd();

let bundle: Promise<string> | undefined;

/** Starts the conformance Worker (scripts/workerd/worker.ts) in workerd, bundled once per test file. */
export function startWorker(options: Omit<ConformanceWorkerOptions, "code"> = {}) {
  bundle ??= bundleWorker();
  return bundle.then((code) => startConformanceWorker({ ...options, code }));
}
