import { cookieStore, createFlash } from "flashkit";
import { createH3Flash } from "flashkit/h3";
import { CONFORMANCE_LIMITS } from "flashkit/testing/protocol";

/** The conformance protocol's instance (Flask's limits, as createConformanceApp() sets them), or the defaults for the no-loss workload. */
export default process.env.FLASHKIT_APP === "no-loss"
  ? createH3Flash()
  : createH3Flash(
      createFlash({
        store: cookieStore({ secret: process.env.FLASH_SECRET, ...CONFORMANCE_LIMITS.cookie }),
        ...CONFORMANCE_LIMITS.flash,
      }),
    );
