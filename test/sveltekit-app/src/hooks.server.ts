import type { Handle } from "@sveltejs/kit";
import { conformance, noLoss } from "$lib/flash";

/** The no-loss workload's routes run under the default hook, the protocol's under Flask's limits. */
export const handle: Handle = (input) => {
  const { pathname } = input.event.url;
  const hook = pathname.startsWith("/flash/") || pathname === "/read" ? noLoss : conformance;
  return hook.handle(input);
};
