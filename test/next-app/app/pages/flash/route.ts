import { conformance } from "../../../lib/flash";

export const POST = conformance.withFlash(async () => {
  conformance.flash("From a route handler", "info");
  return Response.json({ ok: true });
});
