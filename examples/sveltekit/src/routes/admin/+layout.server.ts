import { redirect } from "flashkit/sveltekit";
import type { LayoutServerLoad } from "./$types";

/** Only for the signed-in: the others go to the login page, with a message that survives the redirect. */
export const load: LayoutServerLoad = async (event) => {
  if (!event.locals.user) redirect("/login", "Please log in to see the admin page.", event, "warning");
  return {};
};
