/**
 * The no-loss workload (no-loss-suite.ts) on the Hono adapter with the cookie and memory stores, and
 * the cookie store on Web Crypto (whose commits are async).
 */
import { describeNoLossOn } from "./no-loss-suite.js";

describeNoLossOn("hono", { webCrypto: true });
