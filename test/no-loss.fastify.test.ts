/**
 * The no-loss workload (no-loss-suite.ts) on the Fastify adapter with the cookie and memory stores.
 */
import { describeNoLossOn } from "./no-loss-suite.js";

describeNoLossOn("fastify");
