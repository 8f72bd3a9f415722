import { flash } from "flashkit/h3";

export default defineEventHandler(async (event) => {
  await flash(event, "Profile updated successfully!", "success");
  return sendRedirect(event, "/profile", 303);
});
