/**
 * The tools of the live Flask differential (scripts/flask-differential.sh): the seeded scenario
 * generator, the transcript comparator, and the Flask reference app, which must reproduce the
 * recorded Flask transcript of the 48 public scenarios exactly, cookies included.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareTranscripts, formatDivergence } from "../scripts/conformance/compare.js";
import { generateScenarios } from "../scripts/conformance/generate.js";
import { type FlaskServer, HAS_FLASK, startFlaskServer } from "./flask-server.js";

type Transcript = Parameters<typeof compareTranscripts>[0];

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/conformance/${name}`, import.meta.url), "utf8"));
const scenarios = fixture("scenarios-public.json") as { name: string; requests: unknown[][] }[];
const expected = fixture("expected-public.json") as Transcript;

describe("the scenario generator", () => {
  it("gives the same scenarios for the same seed, and others for another seed", () => {
    const first = generateScenarios(12345, 200);
    expect(JSON.stringify(generateScenarios(12345, 200))).toBe(JSON.stringify(first));
    expect(generateScenarios("12345", 20)).toEqual(first.slice(0, 20));
    expect(generateScenarios(12346, 200)).not.toEqual(first);
  });

  it("covers what Flask's algorithm distinguishes", () => {
    const generated = generateScenarios(7, 300);
    const ops = generated.flatMap((scenario) => scenario.requests.flat()) as unknown as Record<string, unknown>[];
    const flashes = ops.filter((op) => op.op === "flash");
    const gets = ops.filter((op) => op.op === "get");
    expect(flashes.some((op) => !("category" in op))).toBe(true);
    expect(new Set(flashes.map((op) => op.category)).size).toBeGreaterThan(8);
    for (const kind of ["number", "boolean", "object"])
      expect(flashes.some((op) => typeof op.message === kind)).toBe(true);
    expect(flashes.some((op) => op.message === null)).toBe(true);
    expect(flashes.some((op) => Array.isArray(op.message) && op.message.some((item) => typeof item === "object"))).toBe(
      true,
    );
    expect(flashes.some((op) => typeof op.message === "string" && /[<>&]/.test(op.message))).toBe(true);
    expect(flashes.some((op) => typeof op.message === "string" && /[^\x00-\x7f]/.test(op.message))).toBe(true);
    for (const value of [undefined, true, false]) expect(gets.some((op) => op.with_categories === value)).toBe(true);
    expect(gets.some((op) => !("category_filter" in op))).toBe(true);
    expect(gets.some((op) => Array.isArray(op.category_filter) && op.category_filter.length === 0)).toBe(true);
    expect(gets.some((op) => Array.isArray(op.category_filter) && op.category_filter.length > 1)).toBe(true);
    expect(generated.some((scenario) => scenario.requests.length >= 5)).toBe(true);
    // A flash after the request's first read, which Flask keeps for the next request.
    const kinds = generated.flatMap((scenario) => scenario.requests.map((ops) => ops.map((op) => op.op).join(" ")));
    expect(kinds.some((request) => /get.*flash/.test(request))).toBe(true);
  });
});

describe("the transcript comparator", () => {
  const changed = structuredClone(expected);
  // "read_twice_same_request", request 1: the second get loses a message.
  changed.scenarios[1]!.requests[1]!.results = [["a", "b"], ["a"]];

  it("finds nothing between a transcript and itself", () => {
    expect(compareTranscripts(expected, structuredClone(expected), { cookies: true })).toEqual({
      scenarios: 48,
      requests: 126,
      divergences: [],
    });
  });

  it("reports a changed result at its scenario, request and op, with the scenario's ops", () => {
    const { divergences } = compareTranscripts(expected, changed);
    expect(divergences).toEqual([
      {
        scenario: 1,
        name: "read_twice_same_request",
        request: 1,
        op: 1,
        what: "result",
        reference: ["a", "b"],
        candidate: ["a"],
      },
    ]);
    expect(formatDivergence(divergences[0]!, expected, changed)).toBe(
      [
        'DIVERGENCE: scenario 1 "read_twice_same_request", request 1, op 1 {"op":"get"}',
        '  request 0: [{"op":"flash","message":"a"},{"op":"flash","message":"b"}]',
        '  request 1: [{"op":"get"},{"op":"get"}]',
        '    reference: ["a","b"]',
        '    candidate: ["a"]',
      ].join("\n"),
    );
  });

  it("compares cookies only when asked, and refuses transcripts of different scenarios", () => {
    const cookies = structuredClone(expected);
    cookies.scenarios[0]!.requests[1]!.session_after = true;
    expect(compareTranscripts(expected, cookies).divergences).toEqual([]);
    expect(compareTranscripts(expected, cookies, { cookies: true }).divergences).toMatchObject([
      { scenario: 0, request: 1, op: undefined, what: "session_after", reference: false, candidate: true },
    ]);
    const other = structuredClone(expected);
    other.scenarios[2]!.requests[0]!.ops = [{ op: "get" }];
    expect(() => compareTranscripts(expected, other)).toThrow(/scenario 2 .* different ops/);
  });
});

describe.skipIf(!HAS_FLASK)("the Flask reference app", () => {
  let flask: FlaskServer;
  beforeAll(async () => {
    flask = await startFlaskServer();
  });
  afterAll(() => flask?.close());

  it("reproduces the recorded Flask transcript of the 48 public scenarios, cookies included", async () => {
    // Imported here: the runner drives flashkit/testing's browser client from dist/ (npm test builds it first).
    const { runScenarios } = await import("../scripts/conformance/run.js");
    const transcript = await runScenarios(flask.url, scenarios);
    const { divergences } = compareTranscripts(expected, transcript, { cookies: true });
    expect(divergences.map((divergence) => formatDivergence(divergence, expected, transcript))).toEqual([]);
  });
});
