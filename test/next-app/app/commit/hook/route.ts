import { failingWithHook } from "../../../lib/flash";

const { flash, withFlash } = failingWithHook;

export const POST = withFlash(async () => {
  flash("Profile updated successfully!", "success");
  return Response.json({ saved: true });
});
