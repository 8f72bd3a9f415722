/**
 * Message ids: a fixed-width base36 time stamp followed by random hex, so that comparing two ids as
 * strings orders messages by when they were flashed, and two processes never mint the same id.
 */
import { randomHex } from "#signing";
import type { StoredFlash } from "./types.js";

const STAMP_WIDTH = 11;
const RANDOM_BYTES = 3;
const ID_PATTERN = /^[0-9a-z]{11}[0-9a-f]{6}$/;

let lastStamp = 0;

/**
 * A new message id, greater than every id minted before in this process and than `after`.
 * `after` is the newest id the client already holds, so that order survives clock skew between
 * the instances of an app. Only this process's own clock moves the process-wide stamp: an `after`
 * stamped ahead of it orders this one id, never the ids minted later for other clients.
 */
export function nextFlashId(after?: string): string {
  // Microseconds, made strictly increasing within the process.
  let stamp = Math.max(Date.now() * 1000, lastStamp + 1);
  lastStamp = stamp;
  if (after !== undefined) {
    const held = Number.parseInt(after.slice(0, STAMP_WIDTH), 36);
    // A client's id can come from an instance whose clock runs fast: were it written back to
    // `lastStamp`, every client's later ids would be future-dated and outlive the cookie store's `maxAge`.
    if (held >= stamp) stamp = held + 1;
  }
  return base36Stamp(stamp) + randomHex(RANDOM_BYTES);
}

/** 36^5: the stamp is written as two base36 halves of 6 and 5 digits. */
const LOW_HALF = 36 ** 5;

/** `stamp` in base36, `STAMP_WIDTH` digits. */
function base36Stamp(stamp: number): string {
  if (stamp > Number.MAX_SAFE_INTEGER) return stamp.toString(36).padStart(STAMP_WIDTH, "0");
  // V8 writes a number that is not a small integer (below 2^31) in base 36 through its general path
  // for doubles; both halves here are small integers, which take the fast one.
  const high = Math.floor(stamp / LOW_HALF);
  return high.toString(36).padStart(STAMP_WIDTH - 5, "0") + (stamp - high * LOW_HALF).toString(36).padStart(5, "0");
}

/** Whether `id` has the shape {@link nextFlashId} produces. */
export function isFlashId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Milliseconds since the epoch at which the message with this id was flashed. */
export function flashIdTime(id: string): number {
  return Math.floor(Number.parseInt(id.slice(0, STAMP_WIDTH), 36) / 1000);
}

/** Compares stored messages by id: oldest first. */
export function byId(a: StoredFlash, b: StoredFlash): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
