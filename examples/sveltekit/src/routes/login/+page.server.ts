import { fail } from "@sveltejs/kit";
import { redirect, setFlash } from "flashkit/sveltekit";
import type { Actions } from "./$types";

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const username = String(form.get("username") ?? "");
    if (username === "admin" && form.get("password") === "secret") {
      event.cookies.set("user", username, { path: "/", httpOnly: true, sameSite: "lax" });
      redirect("/profile", "You were successfully logged in", event, "success");
    }
    setFlash("Invalid username or password", event, "error");
    return fail(400, { username });
  },
};
