import { createNextFlash } from "flashkit/next";

// One instance for the app: the proxy, route handlers, server actions and Server Components share it.
// The secret comes from FLASH_SECRET when the first request needs it, so `next build` runs without one.
export const { proxy, withFlash, flash, getFlashedMessages, FlashMessages } = createNextFlash();
