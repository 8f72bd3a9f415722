import { flash } from "flashkit/h3";

export default defineEventHandler(async (event) => {
  const form = await readBody<Record<string, string>>(event);
  if (form.username !== "admin" || form.password !== "secret") {
    await flash(event, "Invalid username or password", "error");
    return sendRedirect(event, "/login", 303);
  }
  await flash(event, "Logged in successfully!", "success");
  return sendRedirect(event, "/profile", 303);
});
