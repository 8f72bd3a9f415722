/**
 * Seeded random scenarios for the live Flask differential: the same seed and count give the same
 * scenarios, byte for byte, on any machine (a PRNG of its own, never `Math.random`).
 *
 * Ops are drawn from small alphabets so that what Flask's algorithm distinguishes collides often:
 * flashes with and without a category, repeated and late reads, filters that match nothing, one
 * category or several, messages that are unique (a lost or reordered message shows), hostile
 * strings, and any JSON value, nested ones included.
 */

/** @typedef {import("flashkit/testing").ConformanceOp} ConformanceOp */
/** @typedef {import("flashkit/testing").GetOp} GetOp */

/**
 * Requests made in order by one browser, each a list of ops run inside that request.
 * @typedef {{ name: string, requests: ConformanceOp[][] }} Scenario
 */

/** Messages left unread at most, so a scenario's cookies stay far below what a browser sends. */
const MAX_PENDING = 20;

const CATEGORIES = ["message", "error", "info", "warning", "success", "", "with space", "Error", "ünï", "<b>"];
/** Filter entries no flash uses: near misses of the real ones, and one never seen. */
const FILTER_ONLY = ["ERROR", "err", " info", "missing"];
const STRINGS = [
  "Saved",
  "",
  " ",
  "<b>bold</b>",
  "<script>alert(1)</script>",
  "&amp; &lt; &#39;",
  "\"double\" and 'single'",
  "ünïcödé",
  "日本語のメッセージ",
  "😀👍🏽",
  "a\nb\r\nc",
  "tab\there",
  "nul\u0000byte",
  "back\\slash",
  "a; b=c, d", // cookie separators
  '{"a":1}',
  "null",
  "123",
  "\ud800", // a lone surrogate
  "\u2028\u2029",
  "%41+%20",
  "x".repeat(200),
  "é".repeat(40),
];
const NUMBERS = [0, 1, -1, 42, -2.5, 0.1, 1e21, 1.5e-7, 2 ** 53 - 1];
/** Object keys, among them the tags Flask's session serializer gives a meaning to (" t", " di", ...). */
const KEYS = ["a", "b", "k", "", " t", " di", " m", " u", " b", " d", "__html__", "ünï"];

/**
 * A deterministic source of randomness: mulberry32, started from the 32-bit FNV-1a hash of `seed`.
 * @param {string} seed
 */
function createRandom(seed) {
  let state = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(`flashkit:${seed}`)) state = Math.imul(state ^ byte, 0x01000193);
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    /** An integer from `min` to `max`, both included. @type {(min: number, max: number) => number} */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    /** @type {<T>(list: readonly T[]) => T} */
    pick: (list) => /** @type {any} */ (list[Math.floor(next() * list.length)]),
    /** @type {(probability: number) => boolean} */
    chance: (probability) => next() < probability,
  };
}

/** @typedef {ReturnType<typeof createRandom>} Random */

/**
 * Any JSON value; `depth` bounds the nesting of lists and objects.
 * @param {Random} random
 * @param {number} depth
 * @returns {unknown}
 */
function jsonValue(random, depth) {
  const kind = random.int(0, depth > 0 ? 5 : 3);
  if (kind === 0) return random.pick(STRINGS);
  if (kind === 1) return random.pick(NUMBERS);
  if (kind === 2) return random.pick([true, false]);
  if (kind === 3) return null;
  const size = random.int(0, 3);
  if (kind === 4) return Array.from({ length: size }, () => jsonValue(random, depth - 1));
  /** @type {Record<string, unknown>} */
  const object = {};
  for (let i = 0; i < size; i++) object[random.pick(KEYS)] = jsonValue(random, depth - 1);
  return object;
}

/**
 * @param {Random} random
 * @param {() => string} unique a message no other op of the file flashes
 * @returns {ConformanceOp}
 */
function flashOp(random, unique) {
  const roll = random.int(1, 100);
  const message = roll <= 45 ? unique() : roll <= 80 ? random.pick(STRINGS) : jsonValue(random, 2);
  if (random.chance(0.3)) return { op: "flash", message };
  const category = random.chance(0.7) ? random.pick(CATEGORIES.slice(0, 5)) : random.pick(CATEGORIES);
  return { op: "flash", message, category };
}

/**
 * @param {Random} random
 * @returns {GetOp}
 */
function getOp(random) {
  /** @type {{ op: "get", with_categories?: boolean, category_filter?: string[] }} */
  const op = { op: "get" };
  const withCategories = random.int(0, 4);
  if (withCategories < 2) op.with_categories = withCategories === 0;
  const filter = random.int(0, 9);
  if (filter === 0) op.category_filter = [];
  else if (filter >= 5) {
    // Duplicates on purpose: a filter is a set in Flask.
    op.category_filter = Array.from({ length: random.int(1, 3) }, () =>
      random.chance(0.6) ? random.pick(CATEGORIES.slice(0, 3)) : random.pick([...CATEGORIES, ...FILTER_ONLY]),
    );
  }
  return op;
}

/**
 * Generates `count` random scenarios named `random-SEED-INDEX`, each of 1 to 6 requests of 0 to 6
 * ops. Deterministic: the same `seed` and `count` give deeply equal scenarios, and a longer run
 * starts with the scenarios of a shorter one.
 *
 * @param {string | number} seed
 * @param {number} count
 * @returns {Scenario[]}
 * @example
 * generateScenarios(12345, 2)
 * // [{ name: "random-12345-0", requests: [[{ op: "flash", message: "m0", category: "info" }], [{ op: "get" }]] }, ...]
 */
export function generateScenarios(seed, count) {
  if (!Number.isSafeInteger(count) || count < 0) throw new TypeError(`count must be an integer >= 0, got ${count}`);
  const random = createRandom(String(seed));
  let flashed = 0;
  const unique = () => `m${flashed++}`;
  return Array.from({ length: count }, (_, index) => {
    // Flask's count of stored messages: a flash adds one, the request's first read takes them all.
    let pending = 0;
    const requests = Array.from({ length: random.int(1, 6) }, () => {
      let read = false;
      return Array.from({ length: random.int(0, 6) }, () => {
        if (pending < MAX_PENDING && random.chance(0.6)) {
          pending++;
          return flashOp(random, unique);
        }
        if (!read) pending = 0;
        read = true;
        return getOp(random);
      });
    });
    return { name: `random-${seed}-${index}`, requests };
  });
}
