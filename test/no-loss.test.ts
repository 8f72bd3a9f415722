/**
 * No message is ever lost under overlapping requests (DESIGN.md, "Delta commits"). One browser-like
 * client runs rounds of three overlapping flashing requests plus one overlapping read; the routes
 * wait a random 0–15 ms, so responses arrive (and their Set-Cookie headers apply) in random order.
 * A final read collects the rest. Every flashed message must be seen at least once; a message may be
 * seen twice only with the cookie store and only when reads overlap.
 */
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { cookieStore } from "../src/stores/cookie.js";
import { memoryStore } from "../src/stores/memory.js";
import { createBrowserClient, type StartedServer, startServer } from "../src/testing/index.js";

const ROUNDS = 200;
const FLASHES_PER_ROUND = 3;
const SECRET = "no-loss-test-secret-0123456789-0123456789";

const pause = () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 16)));

const stores = [
  ["cookie", () => cookieStore({ secret: SECRET })],
  ["memory", () => memoryStore()],
] as const;

describe.each(stores)("no loss with overlapping requests: %s store", (name, makeStore) => {
  const store = makeStore();
  let server: StartedServer;

  beforeAll(async () => {
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
    server = await startServer(app);
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
      `no-loss (${name} store): ${flashed.length} flashed, ${seen.size} seen, ${lost.length} lost, ` +
        `${shownTwice} shown more than once`,
    );
    expect(lost).toEqual([]);
    expect(seen.size).toBe(flashed.length);
    if (name === "memory") expect(shownTwice).toBe(0);
    expect(browser.cookies()).toEqual([]);
    if ("size" in store) expect(store.size).toBe(0);
  });
});
