/** Types of serve.js, for the TypeScript tests. */

/** The Workers compatibility date the Worker runs under: 2026-08-03, the last without `nodejs_compat` by default. */
export const COMPATIBILITY_DATE: string;
/** The Worker's compatibility flags: none, so no `nodejs_compat`. */
export const COMPATIBILITY_FLAGS: readonly string[];
/** The adapters the conformance Worker can serve. */
export const WORKERD_ADAPTERS: readonly ["fetch", "hono"];

/** Bundles scripts/workerd/worker.ts as wrangler does; fails on any `node:` or Node built-in import. */
export function bundleWorker(): Promise<string>;

export interface StartWorkerdOptions {
  /** The Worker's bundle (an ES module). */
  code: string;
  /** Text bindings, the Worker's `env`. */
  bindings?: Readonly<Record<string, string>>;
  /** The port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** @default COMPATIBILITY_DATE */
  compatibilityDate?: string;
  /** @default COMPATIBILITY_FLAGS */
  compatibilityFlags?: readonly string[];
}

export interface WorkerdServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** What workerd printed (the last 20,000 characters). */
  output(): string;
  /** Stops workerd and removes its files. */
  close(): Promise<void>;
  /** Settles when workerd exits, with its exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts workerd serving one Worker on 127.0.0.1; resolves once it listens. */
export function startWorkerd(options: StartWorkerdOptions): Promise<WorkerdServer>;

export interface ConformanceWorkerOptions {
  /** @default "fetch" */
  adapter?: "fetch" | "hono";
  /** @default 0 (a free port) */
  port?: number;
  /** The FLASH_SECRET binding; `null` gives the Worker none. @default a random one */
  secret?: string | null;
  compatibilityDate?: string;
  compatibilityFlags?: readonly string[];
  /** The bundle, when already built. @default bundleWorker() */
  code?: string;
}

/** Starts workerd serving scripts/workerd/worker.ts through `adapter`. */
export function startConformanceWorker(options?: ConformanceWorkerOptions): Promise<WorkerdServer>;

/** `npm run conformance -- --runtime workerd ...`: serves until SIGINT/SIGTERM; never returns. */
export function serveConformanceOnWorkerd(args: {
  adapter: string;
  store: string;
  port: number;
  secret?: string;
}): Promise<never>;
