// examples/astro/src/actions/index.ts
import { defineAction } from "astro:actions";
import { z } from "astro:schema";

export const server = {
  /** The profile form's action: flashes, and the page redirects (POST, redirect, GET). */
  updateProfile: defineAction({
    accept: "form",
    input: z.object({ name: z.string().trim().min(1).max(100) }),
    handler: (_input, context) => {
      context.locals.flash("Profile updated successfully!", "success");
    },
  }),
  /** Called from a script with actions.hello(): the message shows on the next page. */
  hello: defineAction({
    handler: (_input, context) => {
      context.locals.flash("Hello from an action", "info");
      return { ok: true };
    },
  }),
};
