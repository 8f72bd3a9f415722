import { FlashError } from "flashkit";
import { failing } from "../../../lib/flash";

const { flash, withFlash } = failing;

export const POST = withFlash(async () => {
  try {
    flash("Profile updated successfully!", "success");
    await flash.save();
  } catch (error) {
    return Response.json({ code: error instanceof FlashError ? error.code : String(error) }, { status: 503 });
  }
  return Response.json({ saved: true });
});
