import { fail } from "@sveltejs/kit";
import { redirect } from "flashkit/sveltekit";
import type { Actions } from "./$types";

export const actions: Actions = {
  default: async (event) => {
    const name = String((await event.request.formData()).get("name") ?? "").trim();
    if (!name) {
      event.locals.flash("Please enter your name.", "error");
      return fail(400, { name });
    }
    redirect("/profile", "Profile updated successfully!", event, "success");
  },
};
