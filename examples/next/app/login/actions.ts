"use server";
import { redirect } from "next/navigation";
import { flash, withFlash } from "../../lib/flash";

export const login = withFlash(async (form: FormData) => {
  if (form.get("username") !== "admin" || form.get("password") !== "secret") {
    flash("Invalid username or password", "error");
    redirect("/login");
  }
  flash("Logged in successfully!", "success");
  redirect("/profile");
});
