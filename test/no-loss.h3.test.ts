/**
 * The no-loss workload (no-loss-suite.ts) on the h3 adapter: h3 v2 with the cookie and memory stores
 * and the cookie store on Web Crypto (whose commits are async, so h3 v1's `end()` waits for them),
 * and h3 v1 likewise.
 */
import { describeNoLossOn } from "./no-loss-suite.js";

describeNoLossOn("h3", { webCrypto: true });
describeNoLossOn("h3-v1", { webCrypto: true });
