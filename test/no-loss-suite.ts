/**
 * No message is ever lost under overlapping requests (DESIGN.md, "Delta commits"), run by every
 * `no-loss*.test.ts` against one adapter × store. One browser-like client runs rounds of three
 * overlapping flashing requests plus one overlapping read; the app's routes wait a random 0–15 ms
 * (use {@link pause}), so responses arrive (and their Set-Cookie headers apply) in random order. A
 * final read collects the rest. Every flashed message must be seen at least once; a message may be
 * seen twice only where the store says so (two reads that overlap).
 *
 * The app under test serves `POST /flash/:id` (flashes `id`, default category, answers `null`) and
 * `GET /read` (answers `getFlashedMessages()` as JSON).
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import type { FlashStore } from "../src/index.js";
import { createBrowserClient, type StartedServer, startServer } from "../src/testing/index.js";

export const ROUNDS = 200;
export const FLASHES_PER_ROUND = 3;
export const NO_LOSS_SECRET = "no-loss-test-secret-0123456789-0123456789";

/** A random 0–15 ms wait, for the routes of the app under test. */
export const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 16)));

/** Starts the no-loss app (the two routes above) on Express over `store`. */
export function startExpressNoLossApp(store: FlashStore): Promise<StartedServer> {
  const app = express();
  app.use(flash({ store }));
  app.post("/flash/:id", async (req, res) => {
    req.flash(req.params.id);
    await pause();
    res.json(null);
  });
  app.get("/read", async (req, res) => {
    await pause();
    res.json(req.getFlashedMessages());
  });
  return startServer(app);
}

/** Options of {@link describeNoLoss}. */
export interface NoLossOptions {
  /** Starts the app under test (see the module comment for its two routes). */
  start(): Promise<StartedServer>;
  /** Whether a message may be shown twice (two overlapping reads of the cookie store). @default true */
  allowDuplicates?: boolean;
  /** Called after the run, for store-specific checks (nothing left behind). */
  after?(): void | Promise<void>;
}

/** The no-loss workload against one app. */
export function describeNoLoss(label: string, options: NoLossOptions): void {
  describe(`no loss with overlapping requests: ${label}`, () => {
    let server: StartedServer;
    beforeAll(async () => {
      server = await options.start();
    });
    afterAll(() => server?.close());

    it(`sees each of ${ROUNDS * FLASHES_PER_ROUND} messages at least once`, async () => {
      const browser = createBrowserClient(server.url);
      const flashed: string[] = [];
      const seen = new Map<string, number>();
      const read = async () => {
        const response = await browser.fetch("/read");
        expect(response.status).toBe(200);
        for (const message of (await response.json()) as string[]) seen.set(message, (seen.get(message) ?? 0) + 1);
      };

      for (let round = 0; round < ROUNDS; round++) {
        const requests: Promise<void>[] = [];
        for (let k = 0; k < FLASHES_PER_ROUND; k++) {
          const id = `r${round}m${k}`;
          flashed.push(id);
          requests.push(
            browser.fetch(`/flash/${id}`, { method: "POST" }).then(async (response) => {
              expect(response.status).toBe(200);
              await response.body?.cancel();
            }),
          );
        }
        requests.push(read());
        await Promise.all(requests);
      }
      await read();

      const lost = flashed.filter((id) => !seen.has(id));
      const shownTwice = [...seen.values()].filter((count) => count > 1).length;
      console.log(
        `no-loss (${label}): ${flashed.length} flashed, ${seen.size} seen, ${lost.length} lost, ` +
          `${shownTwice} shown more than once`,
      );
      expect(lost).toEqual([]);
      expect(seen.size).toBe(flashed.length);
      if (options.allowDuplicates === false) expect(shownTwice).toBe(0);
      expect(browser.cookies()).toEqual([]);
      await options.after?.();
    });
  });
}
