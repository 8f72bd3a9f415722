/**
 * The no-loss workload (no-loss-suite.ts) on flashkit/nest, on Nest's Express and Fastify platforms,
 * with the cookie and memory stores (and, on Express, the cookie store on Web Crypto, whose commits
 * are async).
 */
import { describeNoLossOn } from "./no-loss-suite.js";

describeNoLossOn("nest", { webCrypto: true });
describeNoLossOn("nest-fastify");
