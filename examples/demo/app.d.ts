/** Types of app.js, for the TypeScript tests. */
import type { Express } from "express";
// From the sources, so `npm run typecheck` works before the build; at run time app.js uses the package.
import type { FlashStore } from "../../src/index.js";

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /** Signs the flash cookies (default cookie store) and the `demo_user` cookie; at least 32 bytes. */
  secret?: string;
  /** A store to use instead of the default signed-cookie store, e.g. `memoryStore()`. */
  store?: FlashStore;
}

/** Creates the demo's Express app (not listening). */
export function createDemoApp(options?: DemoAppOptions): Express;

export const DEMO_USERNAME: string;
export const DEMO_PASSWORD: string;
export const PLAYGROUND_CATEGORIES: string[];
/** The themes of the demo's switcher; the first is the default. */
export const THEMES: string[];
