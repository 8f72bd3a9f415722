#!/usr/bin/env node
// The conformance tools on the command line, as scripts/flask-differential.sh drives them:
//
//   node scripts/conformance/cli.js generate SEED [COUNT] [--out FILE]     COUNT random scenarios (300)
//   node scripts/conformance/cli.js run --base URL --scenarios FILE --out FILE
//   node scripts/conformance/cli.js compare REFERENCE CANDIDATE [--cookies] [--max N]
//
// `run` needs the built package (it uses flashkit/testing's browser client). `compare` prints the
// first N divergences (5) with their scenarios, then one summary line; it exits 0 when the
// transcripts agree, 1 when they diverge. Every command exits 2 on bad usage or unreadable input.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compareTranscripts, formatDivergence } from "./compare.js";
import { generateScenarios } from "./generate.js";

const USAGE = `usage:
  node scripts/conformance/cli.js generate SEED [COUNT] [--out FILE]
  node scripts/conformance/cli.js run --base URL --scenarios FILE --out FILE
  node scripts/conformance/cli.js compare REFERENCE CANDIDATE [--cookies] [--max N]`;

/** @param {string} message */
function die(message) {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

/** @param {string} message */
const fail = (message) => die(`${message}\n${USAGE}`);

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return die(`cannot read ${file}: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * @param {string | undefined} file stdout when `undefined`
 * @param {string} text
 */
function write(file, text) {
  if (file === undefined) process.stdout.write(text);
  else writeFileSync(file, text);
}

/** @type {import("node:util").ParseArgsConfig["options"]} */
const options = {
  out: { type: "string" },
  base: { type: "string" },
  scenarios: { type: "string" },
  cookies: { type: "boolean", default: false },
  max: { type: "string", default: "5" },
  help: { type: "boolean", short: "h" },
};

let parsed;
try {
  parsed = parseArgs({ options, allowPositionals: true });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = /** @type {{ values: Record<string, any>, positionals: string[] }} */ (parsed);
const [command, ...rest] = positionals;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

if (command === "generate") {
  const [seed, count = "300"] = rest;
  if (seed === undefined || rest.length > 2 || !/^\d+$/.test(count)) fail("generate takes SEED [COUNT]");
  const scenarios = generateScenarios(/** @type {string} */ (seed), Number(count));
  // One scenario a line: a diff of two files points at the scenario.
  write(values.out, `[\n${scenarios.map((scenario) => JSON.stringify(scenario)).join(",\n")}\n]\n`);
} else if (command === "run") {
  if (!values.base || !values.scenarios || !values.out || rest.length > 0)
    fail("run takes --base, --scenarios and --out");
  // Imported here, so that generate and compare run without a build.
  const { runScenarios } = await import("./run.js");
  const transcript = await runScenarios(values.base, readJson(values.scenarios)).catch((error) =>
    die(`${error.message}: ${error.cause?.cause?.code ?? error.cause?.cause?.message ?? error.cause?.message}`),
  );
  write(values.out, `${JSON.stringify(transcript, null, 1)}\n`);
} else if (command === "compare") {
  const max = Number(values.max);
  if (rest.length !== 2 || !Number.isSafeInteger(max) || max < 0) fail("compare takes REFERENCE CANDIDATE [--max N]");
  const [reference, candidate] = rest.map(readJson);
  let comparison;
  try {
    comparison = compareTranscripts(reference, candidate, { cookies: values.cookies });
  } catch (error) {
    die(error instanceof Error ? error.message : String(error));
  }
  const { scenarios, requests, divergences } = /** @type {import("./compare.js").Comparison} */ (comparison);
  for (const divergence of divergences.slice(0, max)) console.log(formatDivergence(divergence, reference, candidate));
  if (divergences.length > max) console.log(`... and ${divergences.length - max} more diverging scenarios`);
  const compared = values.cookies ? "results and cookies" : "results";
  if (divergences.length === 0) console.log(`SAME ${compared}: ${scenarios} scenarios, ${requests} requests`);
  else console.log(`DIFFERENT ${compared}: ${divergences.length} of ${scenarios} scenarios diverge`);
  process.exit(divergences.length === 0 ? 0 : 1);
} else {
  fail(command === undefined ? "no command" : `unknown command ${command}`);
}
