/**
 * The stores the conformance app can run on, one entry each. A new store (session, redis) adds one
 * entry here and, if it needs them, one option field in `ConformanceStoreOptions`.
 */
import type { FlashStore, MaybePromise } from "../core/types.js";
import { cookieStore } from "../stores/cookie.js";
import { memoryStore } from "../stores/memory.js";

/** What a store factory gets from `createConformanceApp()`. */
export interface ConformanceStoreOptions {
  /** The cookie signing secret; a random one (silently) when absent. */
  readonly secret?: string | readonly string[] | undefined;
}

/** Makes one fresh store for one conformance app. */
export type ConformanceStoreFactory = (options: ConformanceStoreOptions) => MaybePromise<FlashStore>;

/** A random 32-byte secret in hex, so a test app never needs one and never warns. */
function randomSecret(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The built-in stores by name. */
export const conformanceStores = {
  cookie: ({ secret }) => cookieStore({ secret: secret ?? randomSecret() }),
  memory: () => memoryStore(),
} satisfies Record<string, ConformanceStoreFactory>;

/** The name of a built-in store. */
export type ConformanceStoreName = keyof typeof conformanceStores;
