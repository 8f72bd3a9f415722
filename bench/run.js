#!/usr/bin/env node
// `npm run bench`: flashkit against the bare frameworks and the peer libraries, in one run, on
// 127.0.0.1. Prints a Markdown report and writes it, with every raw number, to bench/results/.
//
//   npm run bench                          # 5 rounds × 2 s per measurement
//   npm run bench -- --quick               # 1 round × 1 s, a smoke run
//   npm run bench -- --rounds 7 --seconds 5 --prewarm 0.5 --connections 10 --only express,hono --skip overlap,micro
//   npm run bench -- --only koa --rows flashkit-cookie --workloads quiet --skip overlap,micro
//   npm run bench -- --sequential          # the row and its bare framework one after the other
//   npm run bench -- --only hono --workloads cycle --skip overlap,micro \
//     --rows signed-cookie,signed-cookie-empty-middleware,signed-cookie-flashkit-unused,flashkit-cookie
//                                          # a flash cycle's cost in parts (the analysis rows of apps.js)
//
// HTTP: every app runs in its own process (pinned to one core when `taskset` exists, the load
// generator to the other), all started up front and warmed. Each round measures every row at the
// same time as its bare framework, both loaded at once on the one core (with --sequential: right
// after or before it), in an order that rotates from round to round, so machine noise lands on
// both alike; a row's ratio is the median over rounds of (row ÷ the bare measurement beside it).
// A flashkit row's target is judged on its ratios over its workload's control (the quiet page over
// the empty middleware, the flash cycle over the hand-signed cookie); the second bare process is
// the noise gate: more than 5% from 1.00, its framework's rows on that workload are void.
//
// The parts: bench/micro.js (codec, wire, capacity, client size), the HTTP part here (apps in
// bench/apps.js, load in bench/http.js, verdicts and noise gate in bench/verdicts.js), and
// bench/overlap.js; bench/report.js writes the report. See bench/README.md.
import { ANALYSIS_ROWS, BENCH_ROWS } from "./apps.js";
import { machine, runVersions } from "./environment.js";
import { measureLoad, pin, probeQuietSetCookie, startAppProcess } from "./http.js";
import { startBenchRedis } from "./redis.js";
import { httpMarkdown, writeResults } from "./report.js";
import { GATE_ROW, measuredIn, summarize, TARGET_CONTROLS, WORKLOADS } from "./verdicts.js";

function parseArgs(argv) {
  const args = {
    rounds: 5,
    seconds: 2,
    warmup: 3,
    prewarm: 0.5,
    connections: 10,
    only: undefined,
    rows: undefined,
    workloads: WORKLOADS,
    skip: new Set(),
    sequential: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value`);
      return v;
    };
    const number = (min) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min) throw new Error(`${key} must be a number of at least ${min}`);
      return v;
    };
    if (key === "--quick") Object.assign(args, { rounds: 1, seconds: 1, warmup: 1, prewarm: 0 });
    else if (key === "--rounds") args.rounds = Math.floor(number(1));
    else if (key === "--seconds") args.seconds = number(0.5);
    else if (key === "--connections") args.connections = Math.floor(number(1));
    else if (key === "--prewarm") args.prewarm = number(0);
    else if (key === "--only") args.only = value().split(",");
    else if (key === "--skip") args.skip = new Set(value().split(","));
    else if (key === "--rows") args.rows = value().split(",");
    else if (key === "--workloads") args.workloads = value().split(",");
    else if (key === "--sequential") args.sequential = true;
    else throw new Error(`unknown argument ${key} (see the comment at the top of bench/run.js)`);
  }
  for (const name of args.only ?? []) {
    if (!(name in BENCH_ROWS)) throw new Error(`--only: no framework ${name} (${Object.keys(BENCH_ROWS).join(", ")})`);
  }
  const allRows = new Set([...Object.values(BENCH_ROWS).flat(), ...ANALYSIS_ROWS]);
  for (const name of args.rows ?? []) {
    if (!allRows.has(name)) throw new Error(`--rows: no row ${name} (${[...allRows].join(", ")})`);
  }
  for (const name of args.workloads) {
    if (!WORKLOADS.includes(name)) throw new Error(`--workloads: no workload ${name} (${WORKLOADS.join(", ")})`);
  }
  return args;
}

/**
 * The rows of `framework` this run measures, in table order. The analysis rows only when --rows
 * names them; whatever --rows names, the bare framework (every ratio is taken against it), its
 * second process (the noise gate) and, for a flashkit row, the control its target is judged
 * against on each workload measured.
 */
function rowsOf(framework, args) {
  const all = [...BENCH_ROWS[framework], ...ANALYSIS_ROWS.filter((name) => args.rows?.includes(name))];
  if (!args.rows) return all;
  const judged = args.rows.some((row) => row.startsWith("flashkit-"));
  const always = new Set(["bare", GATE_ROW, ...(judged ? args.workloads.map((w) => TARGET_CONTROLS[w]) : [])]);
  return all.filter((row) => always.has(row) || args.rows.includes(row));
}

/** Starts every app of the run in its own process (pinned to core 1 when this one is on core 0). */
async function startApps(frameworks, args, redis, pinned) {
  /** @type {Map<string, import("./http.js").AppProcess>} */
  const apps = new Map();
  const rows = [];
  for (const framework of frameworks) {
    for (const row of rowsOf(framework, args)) {
      if (row === "flashkit-redis" && !redis.url) {
        rows.push({ framework, row, skipped: redis.note });
        continue;
      }
      const app = await startAppProcess(framework, row, redis.url ? { REDIS_URL: redis.url } : {});
      if (pinned) pin(app.pid, 1);
      apps.set(`${framework}/${row}`, app);
      rows.push({ framework, row, quietSetCookie: await probeQuietSetCookie(app.url) });
    }
  }
  return { apps, rows };
}

async function runHttp(args, redis, log) {
  const frameworks = args.only ?? Object.keys(BENCH_ROWS);
  const pinned = pin(process.pid, 0);
  const { apps, rows } = await startApps(frameworks, args, redis, pinned);
  const load = { seconds: args.seconds, connections: args.connections };
  const measure = (framework, workload, measured, seconds) =>
    measureLoad(apps.get(`${framework}/${measured.row}`), workload, {
      ...load,
      seconds,
      quietCookies: measured.quietSetCookie.cookies,
    });
  try {
    log(`warming ${apps.size} apps (${args.warmup} s per workload)…`);
    for (const entry of rows) {
      if (entry.skipped) continue;
      for (const workload of args.workloads) {
        if (measuredIn(entry.row, workload)) await measure(entry.framework, workload, entry, args.warmup);
      }
    }
    const samples = [];
    for (let round = 0; round < args.rounds; round++) {
      for (const workload of args.workloads) {
        for (const framework of frameworks) {
          const live = rows.filter(
            (entry) =>
              entry.framework === framework &&
              !entry.skipped &&
              entry.row !== "bare" &&
              measuredIn(entry.row, workload),
          );
          const bare = rows.find((entry) => entry.framework === framework && entry.row === "bare");
          const order = live.map((_, i) => live[(i + round) % live.length]);
          for (const [pair, entry] of order.entries()) {
            const record = (measured, result) => {
              samples.push({ round, pair: `${round}/${entry.row}`, workload, framework, row: measured.row, ...result });
              log(
                `round ${round + 1}/${args.rounds} ${workload} ${framework} ${measured.row}` +
                  `${measured === bare ? ` (beside ${entry.row})` : ""}: ${result.perSecond.toFixed(0)}/s, ` +
                  `${result.cpuMicrosPerOp.toFixed(0)} µs CPU each, server busy ${(result.serverCpu * 100).toFixed(0)}%, ` +
                  `${result.failures} failures (${result.wallSeconds.toFixed(1)} s)`,
              );
            };
            const side = (measured, seconds) => measure(framework, workload, measured, seconds);
            if (!args.sequential) {
              // The row and its bare framework under load at the same time, on the same core: whatever
              // the machine does during the measurement, it does to both.
              if (args.prewarm > 0) await Promise.all([side(bare, args.prewarm), side(entry, args.prewarm)]);
              const [bareResult, rowResult] = await Promise.all([side(bare, args.seconds), side(entry, args.seconds)]);
              record(bare, bareResult);
              record(entry, rowResult);
              continue;
            }
            // --sequential: the row right next to a fresh measurement of its bare framework (which one
            // goes first alternates).
            for (const measured of (round + pair) % 2 === 0 ? [bare, entry] : [entry, bare]) {
              // An app that sat idle while others were measured is warmed again first, unmeasured, so
              // that the bare app (measured beside every row) is not the only warm one.
              if (args.prewarm > 0) await side(measured, args.prewarm);
              record(measured, await side(measured, args.seconds));
            }
          }
        }
      }
    }
    return { pinned, rows, samples };
  } finally {
    for (const app of apps.values()) await app.stop();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (line) => process.stderr.write(`bench: ${line}\n`);
  const started = new Date();
  const env = machine();
  log(`${env.cpu}, ${env.cores} cores, Node ${env.node}; ${args.rounds} round(s) × ${args.seconds} s`);
  const redis = await startBenchRedis();
  if (!redis.url) log(`!!! the Redis rows are SKIPPED: ${redis.note} !!!`);
  const report = {
    date: started.toISOString(),
    machine: env,
    settings: { ...args, skip: [...args.skip] },
    versions: runVersions(),
    redis: redis.note,
    errors: [],
  };
  // A run narrowed by --only, --rows, --workloads or --skip does not replace the whole run's report.
  const narrowed =
    args.only !== undefined || args.rows !== undefined || args.workloads !== WORKLOADS || args.skip.size > 0;
  const outputName = narrowed ? "partial" : "latest";
  // Each part is written out as soon as it is done, and a part that fails is reported without
  // losing the others.
  const part = async (name, run) => {
    if (args.skip.has(name)) return;
    try {
      await run();
    } catch (error) {
      report.errors.push(`the ${name} part failed: ${error?.stack ?? error}`);
      log(report.errors.at(-1));
    }
    writeResults(outputName, report, started);
  };
  try {
    // The micro benchmarks first, in a fresh process. After the overlap part (flashkit under every
    // adapter and store, in this process) the same codec measured 40% slower, the bare primitives too
    // (round trip 3.8 → 5.4 µs, primitives 3.0 → 4.2): not what an app's process pays.
    await part("micro", async () => {
      log("micro benchmarks…");
      const { microMarkdown, runMicro } = await import("./micro.js");
      report.micro = await runMicro({ quick: args.rounds === 1 && args.seconds <= 1 });
      report.microMarkdown = microMarkdown(report.micro);
    });
    await part("http", async () => {
      const http = await runHttp(args, redis, log);
      report.http = { pinned: http.pinned, samples: http.samples, ...summarize(http, args.workloads) };
      report.httpMarkdown = httpMarkdown(report.http, args);
      if (report.http.void) log(`!!! this run is VOID: ${report.http.void} !!!`);
    });
    await part("overlap", async () => {
      log("loss under overlap…");
      const { overlapMarkdown, runOverlap } = await import("./overlap.js");
      report.overlap = await runOverlap({ redisUrl: redis.url });
      report.overlapMarkdown = overlapMarkdown(report.overlap);
    });
  } finally {
    await redis.close();
  }
  process.stdout.write(`${writeResults(outputName, report, started)}\n`);
  log(`raw numbers: bench/results/${outputName}.json, report: bench/results/${outputName}.md`);
  if (report.errors.length > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    process.stderr.write(`bench: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
