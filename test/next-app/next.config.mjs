// The Next.js app of the conformance, no-loss and commit tests (built and served by
// scripts/next-app.js): examples/next's configuration.
export { default } from "../../examples/next/next.config.mjs";
