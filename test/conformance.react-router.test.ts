/**
 * Flask conformance of flashkit/react-router, served by React Router's own request handler (see
 * src/testing/apps/react-router.ts): through the route's `request`, and through the middleware, with
 * the cookie and memory stores; the suite itself is in conformance-suite.ts.
 */
import { describeConformance } from "./conformance-suite.js";

describeConformance("react-router + cookie store", { adapter: "react-router", store: "cookie" });
describeConformance("react-router + memory store", { adapter: "react-router", store: "memory" });
describeConformance("react-router middleware + cookie store", { adapter: "react-router-middleware", store: "cookie" });
describeConformance("react-router middleware + memory store", { adapter: "react-router-middleware", store: "memory" });
