/**
 * No message is ever lost under overlapping requests (docs/design.md, "Delta commits"), run by every
 * `no-loss*.test.ts` against one adapter × store, with the workload of `flashkit/testing`'s
 * `runNoLossWorkload`: one browser-like client runs rounds of three overlapping flashing requests
 * plus one overlapping read; the app's routes wait a random 0–15 ms (use {@link pause}), so
 * responses arrive (and their Set-Cookie headers apply) in random order. A final read collects the
 * rest. Every flashed message must be seen at least once; a message may be seen twice only where the
 * store says so (two reads that overlap).
 *
 * The app under test serves `POST /flash/:id` (flashes `id`, default category, answers `null`) and
 * `GET /read` (answers `getFlashedMessages()` as JSON).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlashStore } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import {
  type NoLossAdapterName,
  noLossPause,
  runNoLossWorkload,
  type StartedServer,
  startNoLossApp,
} from "../src/testing/index.js";
import { webCryptoCookieStore } from "./adapter-helpers.js";

export const ROUNDS = 200;
export const FLASHES_PER_ROUND = 3;
export const NO_LOSS_SECRET = "no-loss-test-secret-0123456789-0123456789";

/** A random 0–15 ms wait, for the routes of the app under test. */
export const pause = noLossPause;

/** Starts the no-loss app (the two routes above) on Express over `store`. */
export function startExpressNoLossApp(store: FlashStore): Promise<StartedServer> {
  return startNoLossApp("express", store);
}

/** Options of {@link describeNoLoss}. */
export interface NoLossOptions {
  /** Starts the app under test (see the module comment for its two routes). */
  start(): Promise<Pick<StartedServer, "url" | "close">>;
  /** Whether a message may be shown twice (two overlapping reads of the cookie store). @default true */
  allowDuplicates?: boolean;
  /** Called after the run, for store-specific checks (nothing left behind). */
  after?(): void | Promise<void>;
}

/** The no-loss workload ({@link runNoLossWorkload}) against one app. */
export function describeNoLoss(label: string, options: NoLossOptions): void {
  describe(`no loss with overlapping requests: ${label}`, () => {
    let server: Pick<StartedServer, "url" | "close">;
    beforeAll(async () => {
      server = await options.start();
    });
    afterAll(() => server?.close());

    it(`sees each of ${ROUNDS * FLASHES_PER_ROUND} messages at least once`, async () => {
      const result = await runNoLossWorkload(server.url, { rounds: ROUNDS, flashesPerRound: FLASHES_PER_ROUND });
      console.log(
        `no-loss (${label}): ${result.flashed.length} flashed, ${result.seen.size} seen, ${result.lost.length} lost, ` +
          `${result.shownTwice} shown more than once`,
      );
      expect(result.failedRequests).toBe(0);
      expect(result.flashed).toHaveLength(ROUNDS * FLASHES_PER_ROUND);
      expect(result.lost).toEqual([]);
      expect(result.seen.size).toBe(result.flashed.length);
      if (options.allowDuplicates === false) expect(result.shownTwice).toBe(0);
      expect(result.cookiesLeft).toBe(0);
      await options.after?.();
    });
  });
}

/**
 * The suite on `adapter`'s no-loss app with the cookie store and the memory store (which must show no
 * message twice and keep nothing), and, with `webCrypto`, the cookie store on Web Crypto (whose
 * commits are async).
 */
export function describeNoLossOn(adapter: NoLossAdapterName, { webCrypto = false } = {}): void {
  describeNoLoss(`${adapter} + cookie store`, {
    start: () => startNoLossApp(adapter, cookieStore({ secret: NO_LOSS_SECRET })),
  });
  const memory = memoryStore();
  describeNoLoss(`${adapter} + memory store`, {
    start: () => startNoLossApp(adapter, memory),
    allowDuplicates: false,
    after: () => expect(memory.size).toBe(0),
  });
  if (webCrypto) {
    describeNoLoss(`${adapter} + cookie store on Web Crypto`, {
      start: async () => startNoLossApp(adapter, await webCryptoCookieStore({ secret: NO_LOSS_SECRET })),
    });
  }
}
