#!/usr/bin/env node
// Profiles one bench app under load, to see where a row's cost goes:
//
//   npm run bench:profile -- FRAMEWORK ROW [quiet|cycle] [SECONDS]
//   npm run bench:profile -- FRAMEWORK ROW [quiet|cycle] [SECONDS] --compare [--rate REQUESTS_PER_SECOND]
//   e.g. npm run bench:profile -- koa flashkit-cookie cycle 5 --compare
//
// Runs bench/server.js with `node --cpu-prof`, loads it as `npm run bench` does, and prints the
// functions with the most self time (the .cpuprofile is kept under bench/results/profiles/ for
// Chrome DevTools or speedscope). `REDIS_URL` for the flashkit-redis row (or a local redis-server).
//
// --compare profiles the bare framework, then the row, each under the same fixed load (`--rate`
// requests per second in all, 3000 by default: below every framework's limit here, so both do the
// same work per second) and prints, per request or cycle, the µs of CPU each part took in both and
// the difference: flashkit, the framework's packages, Node's own JavaScript, garbage collection, the
// kernel's socket writes, and the functions with the most extra self time. Only the samples of the
// measured window count (not start-up or warm-up).
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ANALYSIS_ROWS, BENCH_ROWS } from "./apps.js";
import { measureLoad, probeQuietSetCookie, startAppProcess } from "./http.js";
import { startBenchRedis } from "./redis.js";

const argv = process.argv.slice(2);
const compare = argv.includes("--compare");
const rateAt = argv.indexOf("--rate");
const rate = rateAt === -1 ? 3000 : Number(argv[rateAt + 1]);
const positional = argv.filter((arg, i) => !arg.startsWith("--") && (rateAt === -1 || i !== rateAt + 1));
const [framework, row, workload = "cycle", seconds = "5"] = positional;
if (
  !(BENCH_ROWS[framework]?.includes(row) || (framework in BENCH_ROWS && ANALYSIS_ROWS.includes(row))) ||
  !["quiet", "cycle"].includes(workload) ||
  !(rate > 0)
) {
  process.stderr.write(
    "usage: npm run bench:profile -- FRAMEWORK ROW [quiet|cycle] [SECONDS] [--compare [--rate REQUESTS_PER_SECOND]]\n" +
      Object.entries(BENCH_ROWS)
        .map(([name, rows]) => `  ${name}: ${rows.join(" ")}`)
        .join("\n") +
      `\n  and on every framework: ${ANALYSIS_ROWS.join(" ")}\n`,
  );
  process.exit(2);
}
const unit = workload === "quiet" ? "request" : "cycle";

/**
 * Runs `profiled` under load with --cpu-prof and returns its profile, the load's result and the
 * measured window on the profile's clock (µs of CLOCK_MONOTONIC, as process.hrtime).
 */
async function profileRow(profiled, redisUrl, overallRate) {
  const dir = fileURLToPath(new URL(`./results/profiles/${framework}-${profiled}-${workload}/`, import.meta.url));
  rmSync(dir, { recursive: true, force: true });
  const app = await startAppProcess(framework, profiled, redisUrl ? { REDIS_URL: redisUrl } : {}, [
    "--cpu-prof",
    "--cpu-prof-dir",
    dir,
  ]);
  const probe = await probeQuietSetCookie(app.url);
  const load = { connections: 10, quietCookies: probe.cookies, ...(overallRate ? { overallRate } : {}) };
  await measureLoad(app, workload, { ...load, seconds: 2 });
  const start = Number(process.hrtime.bigint() / 1000n);
  const result = await measureLoad(app, workload, { ...load, seconds: Number(seconds) });
  const end = Number(process.hrtime.bigint() / 1000n);
  await app.stop();
  const file = readdirSync(dir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .sort()
    .at(-1);
  return { file: `${dir}${file}`, profile: JSON.parse(readFileSync(`${dir}${file}`, "utf8")), result, start, end };
}

/** Self time per function and per part (package, flashkit, Node, GC, kernel writes), µs, in [start, end]. */
function selfTimes(profile, start = Number.NEGATIVE_INFINITY, end = Number.POSITIVE_INFINITY) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map();
  const parts = new Map();
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (time < start || time > end) continue;
    const { callFrame } = byId.get(profile.samples[i]);
    const url = callFrame.url ?? "";
    const where = url
      ? `${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(dist|bench)\//, "$1/")}:${callFrame.lineNumber + 1}`
      : "";
    const name = `${callFrame.functionName || "(anonymous)"} ${where}`;
    functions.set(name, (functions.get(name) ?? 0) + delta);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const part = pkg
      ? pkg
      : /\/dist\//.test(url)
        ? "flashkit"
        : /\/bench\//.test(url)
          ? "the bench app"
          : url.startsWith("node:")
            ? "Node's JavaScript"
            : callFrame.functionName === "writev"
              ? "writev (kernel: socket writes)"
              : callFrame.functionName || "(native)";
    parts.set(part, (parts.get(part) ?? 0) + delta);
  }
  parts.delete("(idle)");
  return { functions, parts };
}

const redis = row === "flashkit-redis" ? await startBenchRedis() : undefined;
if (redis && !redis.url) throw new Error(redis.note);
try {
  if (!compare) {
    const { file, profile, result } = await profileRow(row, redis?.url);
    const { functions } = selfTimes(profile);
    const total = [...functions.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${framework} × ${row}, ${workload}: ${result.perSecond.toFixed(0)}/s, ${result.cpuMicrosPerOp.toFixed(0)} µs CPU per ${unit}; profile ${file}`,
    );
    for (const [key, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      console.log(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}`);
    }
  } else {
    const measured = [];
    for (const profiled of ["bare", row]) {
      const run = await profileRow(profiled, redis?.url, rate);
      const times = selfTimes(run.profile, run.start, run.end);
      const ops = run.result.completed;
      measured.push({ profiled, run, times, ops });
      console.log(
        `${framework} × ${profiled}, ${workload} at ${rate} requests/s: ${run.result.perSecond.toFixed(0)} ${unit}s/s, ` +
          `${run.result.cpuMicrosPerOp.toFixed(1)} µs CPU per ${unit} (${run.result.userMicrosPerOp.toFixed(1)} user); ${run.file}`,
      );
    }
    const [bare, mine] = measured;
    const per = (entry, map, key) => (map(entry).get(key) ?? 0) / entry.ops;
    const partNames = new Set([...bare.times.parts.keys(), ...mine.times.parts.keys()]);
    const rows = [...partNames]
      .map((name) => [name, per(bare, (e) => e.times.parts, name), per(mine, (e) => e.times.parts, name)])
      .filter(([, a, b]) => a >= 0.2 || b >= 0.2)
      .sort((x, y) => y[2] - y[1] - (x[2] - x[1]));
    const sum = (entry) => [...entry.times.parts.values()].reduce((a, b) => a + b, 0) / entry.ops;
    console.log(`\nµs of profiled CPU per ${unit} (sampled self time, idle excluded)\n`);
    console.log(`${"part".padEnd(34)}${"bare".padStart(10)}${row.padStart(18)}${"difference".padStart(12)}`);
    for (const [name, a, b] of [["all", sum(bare), sum(mine)], ...rows]) {
      console.log(
        `${name.padEnd(34)}${a.toFixed(2).padStart(10)}${b.toFixed(2).padStart(18)}${(b - a).toFixed(2).padStart(12)}`,
      );
    }
    const functionNames = new Set([...bare.times.functions.keys(), ...mine.times.functions.keys()]);
    const extra = [...functionNames]
      .map((name) => [name, per(mine, (e) => e.times.functions, name) - per(bare, (e) => e.times.functions, name)])
      .sort((x, y) => y[1] - x[1])
      .slice(0, 25);
    console.log(`\nfunctions with the most extra self time per ${unit} (µs)\n`);
    for (const [name, micros] of extra) console.log(`${micros.toFixed(2).padStart(7)}  ${name}`);
  }
} finally {
  await redis?.close();
}
