#!/usr/bin/env node
// Profiles one bench app under load, to see where a row's cost goes:
//
//   npm run bench:profile -- FRAMEWORK ROW [quiet|cycle] [SECONDS]
//   e.g. npm run bench:profile -- koa flashkit-cookie cycle 5
//
// Runs bench/server.js with `node --cpu-prof`, loads it as `npm run bench` does, and prints the
// functions with the most self time (the .cpuprofile is kept under bench/results/profiles/ for
// Chrome DevTools or speedscope). `REDIS_URL` for the flashkit-redis row (or a local redis-server).
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BENCH_ROWS } from "./apps.js";
import { measureLoad, probeQuietSetCookie, startAppProcess } from "./http.js";
import { startBenchRedis } from "./redis.js";

const [framework, row, workload = "cycle", seconds = "5"] = process.argv.slice(2);
if (!BENCH_ROWS[framework]?.includes(row) || !["quiet", "cycle"].includes(workload)) {
  process.stderr.write(
    `usage: npm run bench:profile -- FRAMEWORK ROW [quiet|cycle] [SECONDS]\n` +
      Object.entries(BENCH_ROWS)
        .map(([name, rows]) => `  ${name}: ${rows.join(" ")}`)
        .join("\n") +
      "\n",
  );
  process.exit(2);
}

const dir = fileURLToPath(new URL(`./results/profiles/${framework}-${row}-${workload}/`, import.meta.url));
const redis = row === "flashkit-redis" ? await startBenchRedis() : undefined;
if (redis && !redis.url) throw new Error(redis.note);
const app = await startAppProcess(framework, row, redis?.url ? { REDIS_URL: redis.url } : {}, [
  "--cpu-prof",
  "--cpu-prof-dir",
  dir,
]);
const probe = await probeQuietSetCookie(app.url);
await measureLoad(app, workload, { seconds: 1, connections: 10, quietCookies: probe.cookies });
const result = await measureLoad(app, workload, {
  seconds: Number(seconds),
  connections: 10,
  quietCookies: probe.cookies,
});
await app.stop();
await redis?.close();

const file = readdirSync(dir)
  .filter((name) => name.endsWith(".cpuprofile"))
  .sort()
  .at(-1);
const profile = JSON.parse(readFileSync(`${dir}${file}`, "utf8"));
const selfMicros = new Map();
const interval = (profile.endTime - profile.startTime) / profile.samples.length;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
for (const id of profile.samples) {
  const { callFrame } = byId.get(id);
  const where = callFrame.url
    ? `${callFrame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(dist|bench)\//, "$1/")}:${callFrame.lineNumber + 1}`
    : "";
  const key = `${callFrame.functionName || "(anonymous)"} ${where}`;
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + interval);
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
console.log(
  `${framework} × ${row}, ${workload}: ${result.perSecond.toFixed(0)}/s, ${result.cpuMicrosPerOp.toFixed(0)} µs CPU per ${workload === "quiet" ? "request" : "cycle"}; profile ${dir}${file}`,
);
for (const [key, micros] of [...selfMicros].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}`);
}
