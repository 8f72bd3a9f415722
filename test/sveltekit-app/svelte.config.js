// The SvelteKit app of the conformance and no-loss tests (built and served by scripts/sveltekit-app.js):
// the protocol's routes as one catch-all endpoint, built with adapter-node.
import adapter from "@sveltejs/adapter-node";

/** @type {import("@sveltejs/kit").Config} */
export default {
  kit: {
    adapter: adapter(),
    // The protocol's clients are scripts that send no Origin header with their form posts.
    csrf: { trustedOrigins: ["*"] },
  },
};
