#!/usr/bin/env node
// The runtime matrix (run by .ci/run after `npm test`, which covers Node 20): installs the pinned
// runtimes (scripts/runtimes.js), runs the suites that apply on each, prints a table runtime × suite
// (passed / failed / skipped) and exits 1 when a row that should be green is not, or when a row marked
// expected-fail (a documented bug of the runtime, docs/runtimes.md) starts passing.
//
//   node scripts/runtime-matrix.js [--runtimes node22,node24,bun,deno] [--runs "redis faults,unit suites"]
//                                  [--jobs N]
//
// On each runtime, Vitest itself runs on it (its workers too) over the core, store and adapter unit
// suites; on Node 22 and 24 also the in-process conformance and no-loss suites. On Bun and Deno the
// conformance and no-loss suites run against scripts/conformance-server.js started ON that runtime
// (Hono and fetch on Bun.serve / Deno.serve, Express, Fastify and Koa on its node:http), driven over
// HTTP from Node (test/runtimes.all.test.ts). Needs dist/ (npm run build) and, for the stores suite,
// redis-server.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installRuntime, RUNTIMES, requireRuntime, runtimeVersion } from "./runtimes.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");
const ADAPTERS = ["hono", "fetch", "express", "fastify", "koa"];

/** The unit suites by name: the test files (or folders) each runs. */
const UNIT_SUITES = {
  core: [
    "src/core",
    "src/render",
    "src/templates",
    "src/client",
    "test/fuzz-cookies.core.test.ts",
    "test/fuzz-cookies-web.core.test.ts",
    "test/hostile-xss.core.test.ts",
    "test/templates-names.core.test.ts",
  ],
  stores: ["src/stores", "test/stores.core.test.ts", "test/store.core.redis.test.ts"],
  adapters: ["src/adapters"],
};

/**
 * The Redis store's failure tests (Redis killed, frozen with SIGSTOP, full), on every runtime, with
 * short timeouts: a frozen Redis that is never resumed would otherwise cost 30 s a test.
 */
const REDIS_FAULTS = ["test/commit.all.redis.test.ts", "--testTimeout=5000", "--hookTimeout=5000"];

/** The in-process conformance and no-loss suites (Node 22 and 24). */
const SERVED_FILES = [
  ...ADAPTERS.map((adapter) => `test/conformance.${adapter}.test.ts`),
  "test/conformance.all.session.test.ts",
  ...ADAPTERS.map((adapter) => `test/no-loss.${adapter}.test.ts`),
];

/**
 * The cookie fuzzers at a tenth of their cases (npm test runs them whole on Node 20): they check the
 * parser, the same JavaScript everywhere, and take minutes at full size on Deno.
 */
const FUZZ = { FUZZ_SCALE: "0.1" };

/**
 * Rows that fail because of a bug of the runtime itself, documented in docs/runtimes.md: the key is
 * `runtime suite`. The matrix fails if one of them starts passing, so the entry gets removed.
 * @type {Record<string, { bug: string, reason: string }>}
 */
const EXPECTED_FAIL = {
  "deno redis faults": {
    bug: "https://github.com/denoland/deno/issues/36643",
    reason:
      "the test freezes Redis with SIGSTOP and resumes it with SIGCONT; Deno's node:child_process sends " +
      "only the first signal to a child, so Redis stays frozen and the tests after it time out",
  },
};

/**
 * The suite a test file belongs to.
 * @param {string} file relative to the repository
 */
function suiteOfFile(file) {
  for (const [suite, entries] of Object.entries(UNIT_SUITES)) {
    if (entries.some((entry) => file === entry || file.startsWith(`${entry}/`))) return suite;
  }
  const served = /^test\/(conformance|no-loss)\.(\w+)(\.session)?\.test\.ts$/.exec(file);
  if (served) return served[3] ? `${served[1]} session store` : `${served[1]} ${served[2]}`;
  if (file === REDIS_FAULTS[0]) return "redis faults";
  return file;
}

/**
 * The suite of a test of test/runtimes.all.test.ts, from its describe block ("Flask conformance: hono +
 * cookie store", "no loss with overlapping requests: koa + memory store").
 * @param {string[]} titles
 */
function suiteOfServedTest(titles) {
  const block = titles[1] ?? "";
  const adapter = /: (\w+) \+/.exec(block)?.[1] ?? "?";
  return `${block.startsWith("no loss") ? "no-loss" : "conformance"} ${adapter}`;
}

/**
 * @typedef {object} Run one Vitest invocation
 * @property {string} runtime
 * @property {string} label what it runs, for the log
 * @property {string} command
 * @property {string[]} args
 * @property {Record<string, string>} env
 * @property {(file: string, titles: string[]) => string} suiteOf
 */

/**
 * The Vitest runs of one runtime.
 * @param {string} runtime
 * @returns {Run[]}
 */
function runsOf(runtime) {
  const binary = requireRuntime(runtime);
  const unitFiles = Object.values(UNIT_SUITES).flat();
  const prefix = runtime === "deno" ? ["run", "-A"] : [];
  const redisFaults = {
    runtime,
    label: "redis faults",
    command: binary,
    args: [...prefix, VITEST, "run", ...REDIS_FAULTS],
    env: {},
    suiteOf: (/** @type {string} */ file) => suiteOfFile(file),
  };
  if (runtime === "node22" || runtime === "node24") {
    return [
      redisFaults,
      {
        runtime,
        label: "unit, conformance and no-loss suites",
        command: binary,
        args: [VITEST, "run", ...unitFiles, ...SERVED_FILES],
        env: FUZZ,
        suiteOf: (file) => suiteOfFile(file),
      },
    ];
  }
  return [
    redisFaults,
    {
      runtime,
      label: "unit suites",
      command: binary,
      args: [...prefix, VITEST, "run", ...unitFiles],
      env: FUZZ,
      suiteOf: (file) => suiteOfFile(file),
    },
    {
      runtime,
      label: "conformance and no-loss, served on the runtime",
      command: process.execPath,
      args: [VITEST, "run", "test/runtimes.all.test.ts"],
      env: { FLASHKIT_RUNTIME: runtime, FLASHKIT_ADAPTERS: ADAPTERS.join(" ") },
      suiteOf: (_file, titles) => suiteOfServedTest(titles),
    },
  ];
}

/**
 * @typedef {{ passed: number, failed: number, skipped: number, errors: string[] }} Counts
 */

/** The process groups of the runs under way (each run is the leader of its own group). */
const runningGroups = new Set();

/**
 * Kills what is left of a run's process group (SIGKILL also ends a process stopped by SIGSTOP).
 * @param {number | undefined} group
 */
function killGroup(group) {
  if (group === undefined) return;
  runningGroups.delete(group);
  try {
    process.kill(-group, "SIGKILL");
  } catch {
    // ESRCH: nothing was left.
  }
}

process.on("exit", () => {
  for (const group of runningGroups) killGroup(group);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(signal === "SIGINT" ? 130 : 143));
}

/**
 * Runs one Vitest invocation with the JSON reporter and counts its tests by suite.
 * @param {Run} run
 * @param {string} work a scratch folder
 * @returns {Promise<{ rows: Map<string, Counts>, log: string, seconds: number, crashed: string | undefined }>}
 */
async function execute(run, work) {
  const id = `${run.runtime}-${run.label.replace(/\W+/g, "-")}`;
  const report = join(work, `${id}.json`);
  const started = Date.now();
  // Its own process group, killed whole when the run ends: a test server the runtime could not stop
  // (Deno's one-signal bug leaves the redis-faults run's redis-server frozen) must not outlive the run.
  const child = spawn(run.command, [...run.args, "--reporter=json", `--outputFile=${report}`], {
    cwd: ROOT,
    env: { ...process.env, ...run.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  runningGroups.add(child.pid);
  let log = "";
  child.stdout.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr.on("data", (chunk) => {
    log += chunk;
  });
  const code = await new Promise((done) => child.on("close", (status) => done(status)));
  killGroup(child.pid);
  const seconds = (Date.now() - started) / 1000;
  /** @type {Map<string, Counts>} */
  const rows = new Map();
  if (!existsSync(report)) return { rows, log, seconds, crashed: `exited with ${code} and wrote no report` };
  const result = JSON.parse(readFileSync(report, "utf8"));
  for (const file of result.testResults) {
    const path = relative(ROOT, file.name);
    // A file that failed outside its tests (a hook, an import): one failure in its suite's row.
    const failedOutside =
      file.status === "failed" && !file.assertionResults.some((/** @type {any} */ test) => test.status === "failed");
    if (failedOutside || file.assertionResults.length === 0) {
      const suite = run.suiteOf(path, file.assertionResults[0]?.ancestorTitles ?? []);
      const counts = rows.get(suite) ?? { passed: 0, failed: 0, skipped: 0, errors: [] };
      counts.failed++;
      counts.errors.push(`${path}: ${String(file.message || "no test ran").split("\n")[0]}`);
      rows.set(suite, counts);
    }
    for (const test of file.assertionResults) {
      const suite = run.suiteOf(path, test.ancestorTitles);
      const counts = rows.get(suite) ?? { passed: 0, failed: 0, skipped: 0, errors: [] };
      if (test.status === "passed") counts.passed++;
      else if (test.status === "failed") {
        counts.failed++;
        counts.errors.push(`${test.fullName}: ${String(test.failureMessages[0] ?? "").split("\n")[0]}`);
      } else counts.skipped++;
      rows.set(suite, counts);
    }
  }
  const crashed = code !== 0 && [...rows.values()].every((c) => c.failed === 0) ? `exited with ${code}` : undefined;
  return { rows, log, seconds, crashed };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ runtimes: string[], runs: string[] | undefined, jobs: number }} */
  const args = { runtimes: ["node22", "node24", "bun", "deno"], runs: undefined, jobs: 2 };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? argv[++i] ?? "";
    if (name === "--runtimes") args.runtimes = value().split(",").filter(Boolean);
    else if (name === "--runs") args.runs = value().split(",").filter(Boolean);
    else if (name === "--jobs") args.jobs = Math.max(1, Number(value()) || 1);
    else {
      process.stderr.write(`runtime-matrix: unknown argument ${argv[i]}\n`);
      process.exit(2);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const started = Date.now();
if (!existsSync(join(ROOT, "dist", "testing", "index.js"))) {
  process.stderr.write("runtime-matrix: dist/ is missing: run npm run build first\n");
  process.exit(2);
}
for (const runtime of args.runtimes) installRuntime(runtime);
const installed = (Date.now() - started) / 1000;
// `node 22.23.5`, `bun 1.4.5`, `deno 2.9.6`, checked against what the binary reports.
const versions = Object.fromEntries(
  args.runtimes.map((runtime) => {
    const { version } = RUNTIMES[runtime];
    if (!runtimeVersion(runtime).includes(version)) throw new Error(`${runtime} does not report ${version}`);
    return [runtime, `${runtime.replace(/\d+$/, "")} ${version}`];
  }),
);

const work = mkdtempSync(join(tmpdir(), "runtime-matrix-"));
const chosen = args.runtimes.flatMap(runsOf).filter((run) => !args.runs || args.runs.includes(run.label));
// The Redis failure runs restart their redis-server on the same port: two at once could each reach the
// other's. The first lane runs them one after the other, then joins the rest.
const redisLane = chosen.filter((run) => run.label === "redis faults");
const queue = chosen.filter((run) => run.label !== "redis faults");
/** @type {{ run: Run, outcome: Awaited<ReturnType<typeof execute>> }[]} */
const done = [];
await Promise.all(
  Array.from({ length: Math.max(1, Math.min(args.jobs, chosen.length)) }, async (_, lane) => {
    const next = () => (lane === 0 && redisLane.length > 0 ? redisLane.shift() : queue.shift());
    for (let run = next(); run; run = next()) {
      const outcome = await execute(run, work);
      process.stdout.write(`runtime-matrix: ${run.runtime}, ${run.label}: ${outcome.seconds.toFixed(0)} s\n`);
      done.push({ run, outcome });
    }
  }),
);

const table = [["runtime", "suite", "passed", "failed", "skipped", "status"]];
const problems = [];
const notes = [];
const seen = new Set();
for (const runtime of args.runtimes) {
  const mine = done.filter(({ run }) => run.runtime === runtime);
  for (const { run, outcome } of mine) {
    if (outcome.crashed && !EXPECTED_FAIL[`${runtime} ${run.label}`]) {
      table.push([versions[runtime], run.label, "-", "-", "-", "FAILED"]);
      problems.push(`${runtime}, ${run.label}: ${outcome.crashed}\n${outcome.log.slice(-3000)}`);
    }
  }
  const rows = new Map(mine.flatMap(({ outcome }) => [...outcome.rows]));
  for (const [suite, counts] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const key = `${runtime} ${suite}`;
    seen.add(key);
    const expected = EXPECTED_FAIL[key];
    let status = "ok";
    if (expected) {
      status = counts.failed > 0 ? `expected-fail (${expected.bug})` : "PASSES NOW (remove from EXPECTED_FAIL)";
      if (counts.failed > 0) notes.push(`${key}: ${expected.reason}`);
      if (counts.failed === 0) problems.push(`${key} passes now: remove it from EXPECTED_FAIL and docs/runtimes.md`);
    } else if (counts.failed > 0 || counts.passed === 0) {
      status = "FAILED";
      problems.push(`${key}:\n  ${counts.errors.slice(0, 10).join("\n  ") || "no test passed"}`);
    }
    table.push([versions[runtime], suite, counts.passed, counts.failed, counts.skipped, status].map(String));
  }
}
const unknown = Object.keys(EXPECTED_FAIL).filter(
  (key) => args.runtimes.includes(key.split(" ")[0] ?? "") && !args.runs && !seen.has(key),
);
for (const key of unknown) problems.push(`EXPECTED_FAIL names ${key}, which no run produced`);

const widths = table[0].map((_, column) => Math.max(...table.map((row) => String(row[column]).length)));
const lines = table.map((row) =>
  row.map((cell, column) => (column === row.length - 1 ? cell : String(cell).padEnd(widths[column] ?? 0))).join("  "),
);
process.stdout.write(`\nruntime matrix (Node 20 runs every suite in npm test):\n${lines.join("\n")}\n`);
if (notes.length > 0) process.stdout.write(`expected-fail, the runtime's bug:\n  ${notes.join("\n  ")}\n`);
process.stdout.write(
  `runtime-matrix: runtimes ready in ${installed.toFixed(0)} s, everything in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
);
if (process.env.RUNTIME_MATRIX_TABLE) writeFileSync(process.env.RUNTIME_MATRIX_TABLE, `${lines.join("\n")}\n`);
rmSync(work, { recursive: true, force: true });
if (problems.length > 0) {
  process.stderr.write(`\nruntime-matrix: ${problems.length} problem(s):\n${problems.join("\n\n")}\n`);
  process.exit(1);
}
