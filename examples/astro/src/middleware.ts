// examples/astro/src/middleware.ts
import { sequence } from "astro:middleware";
import { onRequest as flash } from "flashkit/astro";

// flashkit's middleware, in sequence() with any of your own: it puts Astro.locals.flash on every
// request and commits what the request flashed and read onto its response. The secret comes from
// FLASH_SECRET on the first request, so `astro build` needs none.
export const onRequest = sequence(flash);
