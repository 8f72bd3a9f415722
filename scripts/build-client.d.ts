/** Types of build-client.js, for the TypeScript tests. */

/** The themes of flashkit/client. */
export const CLIENT_THEMES: string[];

/** A browser script of flashkit/client: file name, format, themes included. */
export interface ClientScript {
  file: string;
  format: "esm" | "iife";
  themes: string[];
}

/** The browser scripts `node scripts/build-client.js` writes into dist/client/. */
export function clientScripts(): ClientScript[];

/** Bundles one script in memory; returns the minified code. */
export function bundleClient(script: Pick<ClientScript, "format" | "themes">): Promise<string>;
