/**
 * The no-loss workload (no-loss-suite.ts) on flashkit/react-router, through the route's `request` and
 * through the middleware, with the cookie and memory stores (and the cookie store on Web Crypto).
 */
import { describeNoLossOn } from "./no-loss-suite.js";

describeNoLossOn("react-router", { webCrypto: true });
describeNoLossOn("react-router-middleware");
