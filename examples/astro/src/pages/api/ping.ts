// examples/astro/src/pages/api/ping.ts
import type { APIRoute } from "astro";

// An API route flashes like a page; the next page that reads messages shows it.
export const POST: APIRoute = ({ locals }) => {
  locals.flash("Pong from an API route", "info");
  return Response.json({ ok: true });
};
