import { loadFlash } from "flashkit/sveltekit";

export const load = loadFlash(async ({ locals }) => ({ user: locals.user }));
