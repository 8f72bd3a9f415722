#!/usr/bin/env node
// `npm run bench:amplification`: what a few microseconds of work, timed in a loop, cost inside a
// loaded server. It answers why flashkit's cycle costs the server several times what its code takes
// in a micro benchmark: the same amount of plain arithmetic, of short-lived objects, and of
// flashkit's own request path are added to the signed-cookie control, and each is measured both ways.
//
//   npm run bench:amplification                          # Koa, 7 rounds × 2 s (about 3 min)
//   npm run bench:amplification -- --only koa,hono --rounds 5 --seconds 2
//   npm run bench:amplification -- --quick               # 1 round × 1 s, a smoke run (writes no file)
//   npm run bench:amplification -- --app-core 0          # the apps on core 0, the load generator on 1
//
// Each `signed-cookie-plus-*` analysis row of bench/apps.js (the signed-cookie control doing one
// more piece of work on every flash) is loaded with the flash cycle at the same time as the
// signed-cookie control itself, both apps pinned to one core and the load generator to the other,
// as `npm run bench` loads a row beside its bare app. A row's cost in the server is the median over
// rounds of its CPU time per cycle minus the control's beside it; its cost in a loop is the median
// of 7 timed batches of calls in this process, on the apps' core. Writes
// bench/results/amplification.{md,json}.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs as parseArgv } from "node:util";
import { EXTRA_WORK_ROWS, extraWork, ROW_LABELS } from "./apps.js";
import { measureLoad, pin, startAppProcess } from "./http.js";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
const FRAMEWORKS = ["express", "fastify", "koa", "hono"];
const CONTROL = "signed-cookie";

function parseArgs(argv) {
  const { values } = parseArgv({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", default: "koa" },
      rounds: { type: "string", default: "7" },
      seconds: { type: "string", default: "2" },
      "app-core": { type: "string", default: "1" },
    },
  });
  const number = (name, min) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}`);
    return value;
  };
  const args = {
    only: values.only.split(","),
    rounds: Math.floor(number("rounds", 1)),
    seconds: number("seconds", 0.5),
    warmup: 3,
    prewarm: 0.5,
    connections: 10,
    quick: values.quick,
    appCore: Math.floor(number("app-core", 0)),
  };
  if (args.quick) Object.assign(args, { rounds: 1, seconds: 1, warmup: 1, prewarm: 0 });
  for (const name of args.only) {
    if (!FRAMEWORKS.includes(name)) throw new Error(`--only: no framework ${name} (${FRAMEWORKS.join(", ")})`);
  }
  return args;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One call of `work`, in µs: the median of 7 batches, each as many calls as take about 50 ms, after
 * a warm-up long enough for the optimising compiler.
 */
function loopMicros(work) {
  let calls = 100;
  const started = performance.now();
  while (performance.now() - started < 300) for (let i = 0; i < calls; i++) work();
  const probe = performance.now();
  for (let i = 0; i < calls; i++) work();
  calls = Math.max(100, Math.round((50 * calls) / Math.max(performance.now() - probe, 0.01)));
  const batches = [];
  for (let batch = 0; batch < 7; batch++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) work();
    batches.push(((performance.now() - start) * 1000) / calls);
  }
  return median(batches);
}

async function measureFramework(framework, args, log) {
  const rows = Object.keys(EXTRA_WORK_ROWS);
  const control = await startAppProcess(framework, CONTROL);
  const apps = new Map();
  try {
    for (const row of rows) apps.set(row, await startAppProcess(framework, row));
    for (const app of [control, ...apps.values()]) pin(app.pid, args.appCore);
    const load = { seconds: args.seconds, connections: args.connections };
    for (const app of [control, ...apps.values()]) await measureLoad(app, "cycle", { ...load, seconds: args.warmup });
    const samples = [];
    for (let round = 0; round < args.rounds; round++) {
      for (const row of rows.map((_, i) => rows[(i + round) % rows.length])) {
        const app = apps.get(row);
        if (args.prewarm > 0) {
          await Promise.all([
            measureLoad(control, "cycle", { ...load, seconds: args.prewarm }),
            measureLoad(app, "cycle", { ...load, seconds: args.prewarm }),
          ]);
        }
        const [beside, measured] = await Promise.all([
          measureLoad(control, "cycle", load),
          measureLoad(app, "cycle", load),
        ]);
        samples.push({
          round,
          framework,
          row,
          controlMicros: beside.cpuMicrosPerOp,
          rowMicros: measured.cpuMicrosPerOp,
          extraMicros: measured.cpuMicrosPerOp - beside.cpuMicrosPerOp,
          failures: beside.failures + measured.failures,
        });
        log(
          `round ${round + 1}/${args.rounds} ${framework} ${row}: ${measured.cpuMicrosPerOp.toFixed(1)} µs per cycle ` +
            `beside the control's ${beside.cpuMicrosPerOp.toFixed(1)}`,
        );
      }
    }
    return samples;
  } finally {
    for (const app of [control, ...apps.values()]) await app.stop();
  }
}

function markdown(report, args) {
  const lines = [
    `## Amplification: work in a loop against the same work in a loaded server (${report.date.slice(0, 10)})`,
    "",
    `${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}. ` +
      "`npm run bench:amplification`" +
      `, ${args.rounds} round(s) × ${args.seconds} s per framework.`,
    "",
    "| framework | extra work on each flash | in a loop, µs | in the server, µs per cycle (range over rounds) | × the loop | failures |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const summary of report.summaries) {
    lines.push(
      `| ${summary.framework} | ${summary.label} | ${summary.loopMicros.toFixed(2)} | ` +
        `${summary.serverMicros.toFixed(1)} (${summary.serverRange[0].toFixed(1)} to ${summary.serverRange[1].toFixed(1)}) | ` +
        `${(summary.serverMicros / summary.loopMicros).toFixed(1)} | ${summary.failures} |`,
    );
  }
  lines.push(
    "",
    "Each row is the signed-cookie control (the bare flash cycle with its cookie signed and checked by " +
      "flashkit's signer, no middleware) doing one more piece of work on every flash. It is loaded with the " +
      "flash cycle at the same time as the control, both apps on one core, the load generator on the other; " +
      '"in the server" is the median over rounds of its CPU time per cycle minus the control\'s measured beside ' +
      `it (the control itself took ${report.controlMicros.toFixed(0)} µs per cycle, median). "In a loop" is the ` +
      "same function timed alone in a loop on the apps' core (median of 7 batches). Arithmetic allocates " +
      "nothing; short-lived objects are a linked list of small objects; flashkit's request path is a jar that " +
      "flashes and commits and a second that loads the cookie, reads and commits.",
  );
  return lines.join("\n");
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (line) => process.stderr.write(`bench:amplification: ${line}\n`);
  const started = new Date();
  // Timed in a loop on the core the apps will run on, then this process moves to the other one.
  const pinned = pin(process.pid, args.appCore);
  const loop = {};
  for (const [row, kind] of Object.entries(EXTRA_WORK_ROWS)) {
    const work = await extraWork(kind);
    loop[row] = loopMicros(work);
    log(`${kind} in a loop: ${loop[row].toFixed(2)} µs`);
  }
  if (!pinned || !pin(process.pid, args.appCore === 0 ? 1 : 0)) {
    log("not pinned to a core (one core, or no taskset): the figures are noisier");
  }
  const samples = [];
  for (const framework of args.only) samples.push(...(await measureFramework(framework, args, log)));
  const summaries = [];
  for (const framework of args.only) {
    for (const row of Object.keys(EXTRA_WORK_ROWS)) {
      const mine = samples.filter((s) => s.framework === framework && s.row === row);
      const extras = mine.map((s) => s.extraMicros);
      summaries.push({
        framework,
        row,
        label: ROW_LABELS[row].replace(/^.*, \+ /, "").replace(/ on each flash \(analysis\)$/, ""),
        loopMicros: loop[row],
        serverMicros: median(extras),
        serverRange: [Math.min(...extras), Math.max(...extras)],
        failures: mine.reduce((sum, s) => sum + s.failures, 0),
      });
    }
  }
  const report = {
    date: started.toISOString(),
    machine: { cpu: cpus()[0]?.model ?? "?", cores: cpus().length, node: process.version },
    settings: args,
    controlMicros: median(samples.map((s) => s.controlMicros)),
    summaries,
    samples,
  };
  const text = markdown(report, args);
  // A smoke run (--quick) prints only: its figures are not worth keeping.
  if (!args.quick) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(`${RESULTS_DIR}amplification.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${RESULTS_DIR}amplification.md`, `${text}\n`);
  }
  process.stdout.write(`${text}\n`);
  if (summaries.some((s) => s.failures > 0)) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    process.stderr.write(`bench:amplification: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
