import type { APIRoute } from "astro";

// Response.redirect() has immutable headers: the commit goes on a copy.
export const POST: APIRoute = ({ locals, url }) => {
  locals.flash("from an immutable response", "info");
  return Response.redirect(new URL("/pages/read", url), 303);
};
