// What the scripts that build an app of this repository for the tests share (scripts/next-app.js,
// scripts/sveltekit-app.js): a lock directory, so that test files running at once build an app once.
import { mkdirSync, rmSync, statSync } from "node:fs";

/** A lock older than this was left by a killed build. */
const STALE_MS = 10 * 60_000;

/**
 * Runs `work` while holding the lock directory `lock` (created, then removed), waiting for up to ten
 * minutes while another process holds it.
 * @template T
 * @param {string} lock
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withLock(lock, work) {
  const deadline = Date.now() + STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > STALE_MS)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is still held after ten minutes`);
      await new Promise((wake) => setTimeout(wake, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
