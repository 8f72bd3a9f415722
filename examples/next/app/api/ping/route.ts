import { flash, withFlash } from "../../../lib/flash";

// A route handler flashes like a server action; the next page that renders <FlashMessages> shows it.
export const POST = withFlash(async () => {
  flash("Pong from a route handler", "info");
  return Response.json({ ok: true });
});
