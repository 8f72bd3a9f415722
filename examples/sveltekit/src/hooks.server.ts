import type { Handle } from "@sveltejs/kit";
import { sequence } from "@sveltejs/kit/hooks";
import { handle as flashHandle } from "flashkit/sveltekit";

/** The signed-in user, from a cookie set at login (a stand-in for real sessions). */
const user: Handle = ({ event, resolve }) => {
  event.locals.user = event.cookies.get("user");
  return resolve(event);
};

export const handle = sequence(flashHandle, user);
