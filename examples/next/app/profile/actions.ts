"use server";
import { redirect } from "next/navigation";
import { flash, withFlash } from "../../lib/flash";

export const updateProfile = withFlash(async (form: FormData) => {
  const name = String(form.get("name") ?? "").trim();
  if (!name || name.length > 100) flash("Please enter a name of 1 to 100 characters", "error");
  else flash("Profile updated successfully!", "success");
  redirect("/profile");
});
