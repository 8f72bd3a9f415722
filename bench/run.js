#!/usr/bin/env node
// `npm run bench`: flashkit against the bare frameworks and the peer libraries, in one run, on
// 127.0.0.1. Prints a Markdown report and writes it, with every raw number, to bench/results/.
//
//   npm run bench                          # 5 rounds × 2 s per measurement
//   npm run bench -- --quick               # 1 round × 1 s, a smoke run (~2 min)
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
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, type as osType, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { ANALYSIS_ROWS, BENCH_ROWS, ROW_LABELS, ROW_WORKLOADS } from "./apps.js";
import { measureLoad, pin, probeQuietSetCookie, startAppProcess } from "./http.js";
import { startBenchRedis } from "./redis.js";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
const WORKLOADS = ["quiet", "cycle"];
/** The issue's targets, per workload, for the flashkit rows: ratio to the bare framework. */
const TARGETS = { quiet: 0.97, cycle: 0.9 };
const FRAMEWORK_LABELS = { express: "Express 5", fastify: "Fastify 5", koa: "Koa 3", hono: "Hono 4" };

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

const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url))))
      .version;
  } catch {
    return "?";
  }
}

function machine() {
  let os = `${osType()} ${release()}`;
  try {
    os = execFileSync("sh", ["-c", ". /etc/os-release && echo $PRETTY_NAME"], { encoding: "utf8" }).trim() || os;
  } catch {}
  return {
    cpu: cpus()[0]?.model ?? "?",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os,
  };
}

async function runHttp(args, redis, log) {
  const frameworks = args.only ?? Object.keys(BENCH_ROWS);
  const pinned = pin(process.pid, 0);
  /** @type {Map<string, import("./http.js").AppProcess>} */
  const apps = new Map();
  const rows = [];
  for (const framework of frameworks) {
    // The analysis rows only when --rows names them.
    for (const row of [...BENCH_ROWS[framework], ...ANALYSIS_ROWS.filter((name) => args.rows?.includes(name))]) {
      // The bare framework is always measured: every ratio is taken against it.
      if (args.rows && row !== "bare" && !args.rows.includes(row)) continue;
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
  const load = { seconds: args.seconds, connections: args.connections };
  try {
    log(`warming ${apps.size} apps (${args.warmup} s per workload)…`);
    for (const entry of rows) {
      const app = apps.get(`${entry.framework}/${entry.row}`);
      if (!app) continue;
      for (const workload of args.workloads) {
        if (!measuredIn(entry.row, workload)) continue;
        await measureLoad(app, workload, {
          ...load,
          seconds: args.warmup,
          quietCookies: entry.quietSetCookie.cookies,
        });
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
            const measure = (measured, seconds) =>
              measureLoad(apps.get(`${framework}/${measured.row}`), workload, {
                ...load,
                seconds,
                quietCookies: measured.quietSetCookie.cookies,
              });
            const record = (measured, result) => {
              samples.push({ round, pair: `${round}/${entry.row}`, workload, framework, row: measured.row, ...result });
              log(
                `round ${round + 1}/${args.rounds} ${workload} ${framework} ${measured.row}` +
                  `${measured === bare ? ` (beside ${entry.row})` : ""}: ${result.perSecond.toFixed(0)}/s, ` +
                  `${result.cpuMicrosPerOp.toFixed(0)} µs CPU each, server busy ${(result.serverCpu * 100).toFixed(0)}%, ` +
                  `${result.failures} failures (${result.wallSeconds.toFixed(1)} s)`,
              );
            };
            if (!args.sequential) {
              // The row and its bare framework under load at the same time, on the same core: whatever
              // the machine does during the measurement, it does to both.
              if (args.prewarm > 0) await Promise.all([measure(bare, args.prewarm), measure(entry, args.prewarm)]);
              const [bareResult, rowResult] = await Promise.all([
                measure(bare, args.seconds),
                measure(entry, args.seconds),
              ]);
              record(bare, bareResult);
              record(entry, rowResult);
              continue;
            }
            // --sequential: the row right next to a fresh measurement of its bare framework (which one
            // goes first alternates).
            for (const measured of (round + pair) % 2 === 0 ? [bare, entry] : [entry, bare]) {
              // An app that sat idle while others were measured is warmed again first, unmeasured, so
              // that the bare app (measured beside every row) is not the only warm one.
              if (args.prewarm > 0) await measure(measured, args.prewarm);
              record(measured, await measure(measured, args.seconds));
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

/** Medians and ratios of the raw samples, one summary per workload × framework × row. */
function summarize(http, args) {
  const summaries = [];
  for (const workload of args.workloads) {
    for (const entry of http.rows) {
      const { framework, row } = entry;
      if (!measuredIn(row, workload)) continue;
      const base = { workload, framework, row, label: ROW_LABELS[row] };
      if (entry.skipped) {
        summaries.push({ ...base, skipped: entry.skipped });
        continue;
      }
      const mine = http.samples.filter((s) => s.workload === workload && s.framework === framework && s.row === row);
      const bares = http.samples.filter(
        (s) => s.workload === workload && s.framework === framework && s.row === "bare",
      );
      const bareBeside = (sample) => bares.find((s) => s.pair === sample.pair);
      const ratios = row === "bare" ? [] : mine.map((s) => s.perSecond / bareBeside(s).perSecond);
      const cpuRatios = row === "bare" ? [] : mine.map((s) => bareBeside(s).cpuMicrosPerOp / s.cpuMicrosPerOp);
      const target = row.startsWith("flashkit-") ? TARGETS[workload] : undefined;
      const ratio = median(ratios);
      const cpuRatio = median(cpuRatios);
      // A library's own cost, over what the framework charges any middleware: per round, this row's CPU
      // ratio over the empty middleware's (each against the bare app measured beside it).
      const empties = http.samples.filter(
        (s) => s.workload === workload && s.framework === framework && s.row === "empty-middleware",
      );
      const emptyRatioIn = (round) => {
        const empty = empties.find((s) => s.round === round);
        return empty && bareBeside(empty).cpuMicrosPerOp / empty.cpuMicrosPerOp;
      };
      const overEmpty = CONTROL_ROWS.has(row)
        ? []
        : mine.map((s) => bareBeside(s).cpuMicrosPerOp / s.cpuMicrosPerOp / emptyRatioIn(s.round));
      summaries.push({
        ...base,
        perSecond: median(mine.map((s) => s.perSecond)),
        ratio,
        ratioRange: [Math.min(...ratios), Math.max(...ratios)],
        cpuMicrosPerOp: median(mine.map((s) => s.cpuMicrosPerOp)),
        cpuRatio,
        cpuRatioRange: [Math.min(...cpuRatios), Math.max(...cpuRatios)],
        cpuRatioOverEmpty: median(overEmpty),
        cpuRatioOverEmptyRange: [Math.min(...overEmpty), Math.max(...overEmpty)],
        serverCpu: median(mine.map((s) => s.serverCpu)),
        failures: mine.reduce((sum, s) => sum + s.failures, 0),
        completed: mine.reduce((sum, s) => sum + s.completed, 0),
        quietSetCookie: entry.quietSetCookie,
        target,
        // Judged on the lower of the two ratios: throughput is capped by the load generator when the
        // server is not saturated, CPU per request is not.
        targetMet: target === undefined ? undefined : Math.min(ratio, cpuRatio) >= target,
      });
    }
  }
  return summaries;
}

/** The rows measured only to show the noise and the framework's own cost: no target, no "× empty middleware". */
const CONTROL_ROWS = new Set(["bare", "bare-again", "empty-middleware", "signed-cookie", ...ANALYSIS_ROWS]);

/** Whether `row` is measured on `workload` (a control may be measured on one workload only). */
function measuredIn(row, workload) {
  return ROW_WORKLOADS[row]?.includes(workload) ?? true;
}

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
/** A median ratio and, when there was more than one round, its range over rounds. */
const ratioText = (ratio, [low, high]) =>
  `${fixed(ratio, 2)}${high > low ? ` (${fixed(low, 2)}–${fixed(high, 2)})` : ""}`;
const setCookieText = (probe) =>
  !probe ? "–" : probe.returning ? "yes, every visit" : probe.firstVisit ? "yes, first visit" : "no";

function httpMarkdown(summaries, http, args) {
  const lines = [];
  for (const workload of args.workloads) {
    const unit = workload === "quiet" ? "req/s" : "cycles/s";
    lines.push(
      workload === "quiet"
        ? "### Quiet page (a ~1 KB page that asks for flashed messages; there are none)"
        : "### Flash cycle (`POST /update_profile` → 302 → `GET /profile` showing the message; every cycle verified)",
      "",
      `| framework | row | ${unit} | × bare | server CPU µs per ${workload === "quiet" ? "request" : "cycle"} | × bare (CPU) | × empty middleware (CPU) | server busy | failures |${workload === "quiet" ? " Set-Cookie on the quiet page |" : ""} target |`,
      `|---|---|---:|---:|---:|---:|---:|---:|---:|${workload === "quiet" ? "---|" : ""}---|`,
    );
    for (const s of summaries.filter((x) => x.workload === workload)) {
      const head = `| ${FRAMEWORK_LABELS[s.framework]} | ${s.label}`;
      if (s.skipped) {
        lines.push(`${head} | skipped: ${s.skipped} ||||||||${workload === "quiet" ? "|" : ""}`);
        continue;
      }
      const target = s.target === undefined ? "" : `${s.targetMet ? "met" : "**missed**"} (≥ ${s.target.toFixed(2)})`;
      lines.push(
        `${head} | ${fixed(s.perSecond, 0)} | ${s.row === "bare" ? "1" : ratioText(s.ratio, s.ratioRange)} | ` +
          `${fixed(s.cpuMicrosPerOp, 1)} | ${s.row === "bare" ? "1" : ratioText(s.cpuRatio, s.cpuRatioRange)} | ` +
          `${CONTROL_ROWS.has(s.row) ? "" : ratioText(s.cpuRatioOverEmpty, s.cpuRatioOverEmptyRange)} | ` +
          `${fixed(s.serverCpu * 100, 0)}% | ${s.failures} |` +
          `${workload === "quiet" ? ` ${setCookieText(s.quietSetCookie)} |` : ""} ${target} |`,
      );
    }
    lines.push("");
  }
  lines.push(
    `Medians of ${args.rounds} round(s); in each round every row is measured for ${args.seconds} s ` +
      (args.sequential
        ? `right beside a fresh ${args.seconds} s measurement of its bare framework (which goes first alternates), `
        : "at the same time as its bare framework, both apps loaded at once and sharing one core, so that the " +
          "machine's slow and fast spells fall on both alike, ") +
      (args.prewarm > 0 ? `after ${args.prewarm} s of unmeasured load, ` : "") +
      "with " +
      `${args.connections} connections per app, each one browser keeping its cookies. A ratio is the median over rounds of ` +
      "row ÷ the bare framework measured beside it, with the range over rounds in brackets. The bare cycle carries " +
      "the message in one plain unsigned cookie, set by the POST and cleared by the GET: the physical limit. " +
      '"Server busy" is the app process\'s CPU time over the wall time' +
      (args.sequential
        ? ": under 100% the load generator, not the app, was the limit, which squeezes the throughput ratios toward 1, "
        : " (two apps share the core, so about 50% each means the core was full; less, that the load generator " +
          "was the limit, which squeezes the throughput ratios toward 1), ") +
      "so the ratio of CPU time per request is reported beside them, and a target counts as met only when both " +
      'medians reach it. "Empty middleware" is the bare app with one middleware that does nothing (on Fastify an ' +
      "empty onRequest and an empty onSend hook, where flashkit hooks): what the framework charges any middleware; " +
      "\"× empty middleware\" is a row's CPU ratio over the empty middleware's of the same round, the cost of the " +
      "library's own work. The signed-cookie control (flash cycle only) is the bare cycle with its cookie signed " +
      "and checked inline by flashkit's own signer (HMAC-SHA256, the cookie store's format), with no middleware: " +
      "what signing alone costs." +
      (http.pinned
        ? ` The app process${args.sequential ? " was" : "es were"} pinned to one core and the load generator to the other.`
        : ""),
  );
  return lines.join("\n");
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
    versions: Object.fromEntries(
      [
        "express",
        "fastify",
        "koa",
        "hono",
        "@hono/node-server",
        "express-session",
        "cookie-session",
        "connect-flash",
        "@fastify/secure-session",
        "@fastify/flash",
        "ioredis",
        "autocannon",
        "tinybench",
      ].map((name) => [name, packageVersion(name)]),
    ),
    redis: redis.note,
  };
  // A run narrowed by --only, --rows, --workloads or --skip does not replace the whole run's report.
  const narrowed =
    args.only !== undefined || args.rows !== undefined || args.workloads !== WORKLOADS || args.skip.size > 0;
  const outputName = narrowed ? "partial" : "latest";
  const write = () => {
    const markdown = [
      `## Benchmarks (${started.toISOString().slice(0, 10)})`,
      "",
      `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}, Node ${env.node}; ` +
        `Express ${report.versions.express}, Fastify ${report.versions.fastify}, Koa ${report.versions.koa}, ` +
        `Hono ${report.versions.hono}; Redis: ${redis.note}. \`npm run bench\`, ` +
        `${((Date.now() - started.getTime()) / 60_000).toFixed(1)} min.`,
      "",
      report.httpMarkdown ?? "",
      report.overlapMarkdown ? `### Loss under overlap\n\n${report.overlapMarkdown}` : "",
      report.microMarkdown ?? "",
      ...report.errors.map((error) => `**${error}**`),
    ]
      .filter((part) => part !== "")
      .join("\n\n");
    const { httpMarkdown, overlapMarkdown, microMarkdown, ...raw } = report;
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(`${RESULTS_DIR}${outputName}.json`, `${JSON.stringify(raw, null, 2)}\n`);
    writeFileSync(`${RESULTS_DIR}${outputName}.md`, `${markdown}\n`);
    return markdown;
  };
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
    write();
  };
  report.errors = [];
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
      report.http = { pinned: http.pinned, samples: http.samples, summaries: summarize(http, args) };
      report.httpMarkdown = httpMarkdown(report.http.summaries, http, args);
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
  process.stdout.write(`${write()}\n`);
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
