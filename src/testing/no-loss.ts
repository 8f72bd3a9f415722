/**
 * The no-loss workload (docs/design.md, "Delta commits"): one browser-like client runs rounds of
 * overlapping flashing requests plus one overlapping read, then a final read, and counts what was
 * lost. The tests assert on it for every adapter × store; `npm run bench` runs it against the peer
 * libraries too.
 */
import { createFlash } from "../core/create-flash.js";
import type { FlashStore } from "../core/types.js";
import { type ConformanceApp, servable } from "./app.js";
import { type TestAppName, testApps } from "./apps/index.js";
import { createBrowserClient } from "./browser-client.js";
import { NO_LOSS_ROUTES } from "./no-loss-routes.js";
import { type StartedServer, startServer } from "./server.js";

export { NO_LOSS_ROUTES, noLossPause } from "./no-loss-routes.js";

/** Options of {@link runNoLossWorkload}. */
export interface NoLossWorkloadOptions {
  /** Rounds of overlapping requests. @default 200 */
  rounds?: number;
  /** Flashing requests per round, all sent together with one read. @default 3 */
  flashesPerRound?: number;
  /**
   * Read once before the first round, so a session-based app has its session cookie before the
   * overlap starts (so any message lost is lost to the overlap alone).
   * @default false
   */
  startSession?: boolean;
}

/** What {@link runNoLossWorkload} saw. */
export interface NoLossResult {
  /** Every message id flashed, in order. */
  readonly flashed: readonly string[];
  /** How many times each message id was read. */
  readonly seen: ReadonlyMap<string, number>;
  /** The ids flashed but never read. */
  readonly lost: readonly string[];
  /** How many ids were read more than once. */
  readonly shownTwice: number;
  /** Responses whose status was not 2xx. */
  readonly failedRequests: number;
  /** Cookies the client still holds at the end. */
  readonly cookiesLeft: number;
}

/**
 * Runs the no-loss workload against the app at `baseUrl`, which serves `POST /flash/:id` (flashes
 * `id`; the routes should `await noLossPause()` so responses, and their `Set-Cookie` headers, arrive
 * in random order) and `GET /read` (answers the messages read, a JSON array of strings).
 *
 * @example
 * const result = await runNoLossWorkload(server.url);
 * console.log(`${result.lost.length} of ${result.flashed.length} lost`);
 */
export async function runNoLossWorkload(baseUrl: string, options: NoLossWorkloadOptions = {}): Promise<NoLossResult> {
  const rounds = options.rounds ?? 200;
  const flashesPerRound = options.flashesPerRound ?? 3;
  const browser = createBrowserClient(baseUrl);
  const flashed: string[] = [];
  const seen = new Map<string, number>();
  let failedRequests = 0;
  const read = async () => {
    const response = await browser.fetch("/read");
    if (!response.ok) {
      failedRequests++;
      await response.body?.cancel();
      return;
    }
    for (const id of (await response.json()) as string[]) seen.set(id, (seen.get(id) ?? 0) + 1);
  };
  const flashOne = async (id: string) => {
    const response = await browser.fetch(`/flash/${id}`, { method: "POST" });
    if (!response.ok) failedRequests++;
    await response.body?.cancel();
  };

  if (options.startSession) await read();
  for (let round = 0; round < rounds; round++) {
    const requests: Promise<void>[] = [];
    for (let k = 0; k < flashesPerRound; k++) {
      const id = `r${round}m${k}`;
      flashed.push(id);
      requests.push(flashOne(id));
    }
    requests.push(read());
    await Promise.all(requests);
  }
  await read();

  return {
    flashed,
    seen,
    lost: flashed.filter((id) => !seen.has(id)),
    shownTwice: [...seen.values()].filter((count) => count > 1).length,
    failedRequests,
    cookiesLeft: browser.cookies().length,
  };
}

/** The adapters {@link startNoLossApp} can serve. */
export type NoLossAdapterName = TestAppName;

/**
 * Starts the app of {@link runNoLossWorkload} (`POST /flash/:id`, `GET /read`, each waiting
 * {@link noLossPause}) on 127.0.0.1 with flashkit's adapter for `adapter` over `store`. The framework
 * is imported when asked for; Hono and fetch are served through `@hono/node-server`.
 *
 * @throws {TypeError} for an unknown adapter.
 * @example
 * const server = await startNoLossApp("koa", memoryStore());
 * const { lost } = await runNoLossWorkload(server.url);
 * await server.close();
 */
export async function startNoLossApp(adapter: NoLossAdapterName, store: FlashStore): Promise<StartedServer> {
  const app = await buildNoLossApp(adapter, store);
  const server = await startServer(app.handler);
  return { ...server, close: () => server.close().then(() => app.close()) };
}

/**
 * The app of {@link startNoLossApp}, not started: a Node request listener (for `startServer()`) that
 * carries, on Hono and fetch, the same app as a Web handler (for `Bun.serve({ fetch: app.fetch })`,
 * `Deno.serve(app.fetch)`).
 *
 * @throws {TypeError} for an unknown adapter.
 * @example
 * const app = await createNoLossApp("hono", memoryStore());
 * const server = Bun.serve({ port: 0, fetch: app.fetch });
 * const { lost } = await runNoLossWorkload(server.url.origin);
 */
export async function createNoLossApp(adapter: NoLossAdapterName, store: FlashStore): Promise<ConformanceApp> {
  return servable(await buildNoLossApp(adapter, store));
}

async function buildNoLossApp(adapter: NoLossAdapterName, store: FlashStore) {
  if (!Object.hasOwn(testApps, adapter)) throw new TypeError(`startNoLossApp: no adapter ${String(adapter)}`);
  return testApps[adapter]({ flash: createFlash({ store }), routes: NO_LOSS_ROUTES });
}
