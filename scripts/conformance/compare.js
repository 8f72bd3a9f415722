/**
 * Compares two transcripts of the same scenarios op by op: the reference's (real Flask) and a
 * candidate's (flashkit on one adapter × store).
 */
import { isDeepStrictEqual } from "node:util";

/** @typedef {import("./run.js").Transcript} Transcript */
/** @typedef {import("./run.js").TranscriptRequest} TranscriptRequest */

/**
 * The first place where a scenario's candidate differs from its reference.
 * @typedef {object} Divergence
 * @property {number} scenario the scenario's index
 * @property {string} name the scenario's name
 * @property {number} request the request's index in the scenario
 * @property {number | undefined} op the op's index, for a differing result
 * @property {"status" | "result" | "set_cookie" | "session_deleted" | "session_after"} what
 * @property {unknown} reference
 * @property {unknown} candidate
 */

/** @typedef {{ scenarios: number, requests: number, divergences: Divergence[] }} Comparison */

/** @type {readonly ("set_cookie" | "session_deleted" | "session_after")[]} */
const COOKIE_FIELDS = ["set_cookie", "session_deleted", "session_after"];

/**
 * Compares `candidate` with `reference` and returns, for every scenario that diverges, its first
 * divergence (what follows depends on it). Results compare as JSON: object keys in any order (Flask
 * sorts them), list order exact. Status and results always count; the cookie fields only with
 * `cookies: true`, since flashkit keeps one cookie per message where Flask keeps one session.
 *
 * @param {Transcript} reference
 * @param {Transcript} candidate
 * @param {{ cookies?: boolean }} [options] `cookies` also compares the cookie fields. @default { cookies: false }
 * @returns {Comparison}
 * @throws {TypeError} when the two transcripts did not run the same scenarios.
 * @example
 * const { divergences } = compareTranscripts(flaskTranscript, flashkitTranscript);
 * for (const divergence of divergences.slice(0, 5)) console.log(formatDivergence(divergence, flaskTranscript, flashkitTranscript));
 */
export function compareTranscripts(reference, candidate, { cookies = false } = {}) {
  const ours = reference.scenarios;
  const theirs = candidate.scenarios;
  if (ours.length !== theirs.length) {
    throw new TypeError(`the transcripts hold ${ours.length} and ${theirs.length} scenarios`);
  }
  /** @type {Divergence[]} */
  const divergences = [];
  let requests = 0;
  for (const [scenario, { name, requests: want }] of ours.entries()) {
    const got = theirs[scenario]?.requests ?? [];
    const sameOps =
      got.length === want.length && want.every((request, i) => isDeepStrictEqual(request.ops, got[i]?.ops));
    if (!sameOps) throw new TypeError(`scenario ${scenario} "${name}": the transcripts ran different ops`);
    requests += want.length;
    const found = firstDivergence(want, got, cookies);
    if (found) divergences.push({ scenario, name, ...found });
  }
  return { scenarios: ours.length, requests, divergences };
}

/**
 * @param {readonly TranscriptRequest[]} want
 * @param {readonly TranscriptRequest[]} got
 * @param {boolean} cookies
 * @returns {Omit<Divergence, "scenario" | "name"> | undefined}
 */
function firstDivergence(want, got, cookies) {
  for (const [request, expected] of want.entries()) {
    const actual = /** @type {TranscriptRequest} */ (got[request]);
    if (expected.status !== actual.status) {
      return { request, op: undefined, what: "status", reference: expected.status, candidate: actual.status };
    }
    const count = Math.max(expected.results?.length ?? 0, actual.results?.length ?? 0);
    for (let op = 0; op < count; op++) {
      const [reference, candidate] = [expected.results?.[op], actual.results?.[op]];
      if (!isDeepStrictEqual(reference, candidate)) return { request, op, what: "result", reference, candidate };
    }
    for (const what of cookies ? COOKIE_FIELDS : []) {
      if (expected[what] !== actual[what]) {
        return { request, op: undefined, what, reference: expected[what], candidate: actual[what] };
      }
    }
  }
  return undefined;
}

/**
 * Describes a divergence with its scenario: the ops of every request up to the one that diverged,
 * then what the reference and the candidate gave there.
 *
 * @param {Divergence} divergence
 * @param {Transcript} reference
 * @param {Transcript} candidate
 * @returns {string} several lines, no trailing newline
 */
export function formatDivergence(divergence, reference, candidate) {
  const { scenario, name, request, op, what } = divergence;
  const want = reference.scenarios[scenario]?.requests ?? [];
  const got = candidate.scenarios[scenario]?.requests[request];
  const at = op === undefined ? what : `op ${op} ${JSON.stringify(want[request]?.ops[op])}`;
  const lines = [`DIVERGENCE: scenario ${scenario} "${name}", request ${request}, ${at}`];
  for (const [i, { ops }] of want.slice(0, request + 1).entries()) lines.push(`  request ${i}: ${JSON.stringify(ops)}`);
  lines.push(`    reference: ${show(divergence.reference)}`, `    candidate: ${show(divergence.candidate)}`);
  if (got?.error) lines.push(`    (${got.error})`);
  return lines.join("\n");
}

/** @param {unknown} value */
const show = (value) => (value === undefined ? "(nothing)" : JSON.stringify(value));
