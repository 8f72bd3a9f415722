import type { APIRoute } from "astro";

// A bare 404 (no body): Astro renders its 404 route for it, merging this response's headers one per name.
export const POST: APIRoute = ({ locals }) => {
  locals.flash("first of two", "info");
  locals.flash("second of two", "info");
  return new Response(null, { status: 404 });
};
