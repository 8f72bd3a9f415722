// flashkit/sveltekit example: the seed tutorial's two flows on SvelteKit 2 (docs/sveltekit.md).
import adapter from "@sveltejs/adapter-node";

/** @type {import("@sveltejs/kit").Config} */
export default {
  kit: { adapter: adapter() },
};
