/**
 * The report of `npm run bench`: the HTTP part's tables with their verdicts and noise gates, and the
 * whole page (machine, versions, every part's Markdown) written with every raw number to
 * bench/results/: `latest.md` and `latest.json`, or `partial.*` for a narrowed run. Measures nothing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fixed, ratioText } from "./markdown.js";
import { CONTROL_ROWS, GATE_TOLERANCE } from "./verdicts.js";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
const FRAMEWORK_LABELS = { express: "Express 5", fastify: "Fastify 5", koa: "Koa 3", hono: "Hono 4" };
/** The controls' names in the target column. */
const CONTROL_LABELS = { "empty-middleware": "empty middleware", "signed-cookie": "signed cookie" };

const setCookieText = (probe) =>
  !probe ? "–" : probe.returning ? "yes, every visit" : probe.firstVisit ? "yes, first visit" : "no";

/** A flashkit row's verdict cell: met or missed against its control, void, or not judged. */
function targetText(s) {
  if (s.target === undefined) return "";
  if (s.verdict === "void") return "void (noise gate)";
  if (s.verdict === "no control") return `not judged: ${CONTROL_LABELS[s.control]} not measured`;
  return `${s.verdict === "met" ? "met" : "**missed**"} (≥ ${s.target.toFixed(2)} × ${CONTROL_LABELS[s.control]})`;
}

/** A flashkit row's throughput and CPU ratio over its control, or nothing for another row. */
const overControlText = (s) =>
  s.control === undefined
    ? ""
    : `${ratioText(s.ratioOverControl, s.ratioOverControlRange)}, CPU ${ratioText(s.cpuRatioOverControl, s.cpuRatioOverControlRange)}`;

/** The noise gates of one workload, one line: each framework's second bare process, and what it voids. */
function gateLines(gates) {
  const each = gates.map(
    (gate) =>
      `${FRAMEWORK_LABELS[gate.framework]} ${fixed(gate.ratio, 2)}, CPU ${fixed(gate.cpuRatio, 2)}` +
      (gate.void === undefined ? "" : " **void**"),
  );
  const lines = [
    `Noise gate (the second bare process against the first, throughput and CPU, each within ${GATE_TOLERANCE * 100}% ` +
      `of 1.00): ${each.join("; ")}.`,
  ];
  for (const gate of gates.filter((g) => g.void !== undefined)) {
    lines.push("", `**Void: ${FRAMEWORK_LABELS[gate.framework]}'s rows** on this workload: ${gate.void}.`);
  }
  return lines;
}

/** One workload's table, its noise gate below it. */
function workloadMarkdown(http, workload) {
  const quiet = workload === "quiet";
  const lines = [
    quiet
      ? "### Quiet page (a ~1 KB page that asks for flashed messages; there are none)"
      : "### Flash cycle (`POST /update_profile` → 302 → `GET /profile` showing the message; every cycle verified)",
    "",
    `| framework | row | ${quiet ? "req/s" : "cycles/s"} | × bare | server CPU µs per ${quiet ? "request" : "cycle"} | × bare (CPU) | × empty middleware (CPU) | × control | server busy | failures |${quiet ? " Set-Cookie on the quiet page |" : ""} target |`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|---:|${quiet ? "---|" : ""}---|`,
  ];
  for (const s of http.summaries.filter((x) => x.workload === workload)) {
    const head = `| ${FRAMEWORK_LABELS[s.framework]} | ${s.label}`;
    if (s.skipped) {
      lines.push(`${head} | skipped: ${s.skipped} |||||||||${quiet ? "|" : ""}`);
      continue;
    }
    lines.push(
      `${head} | ${fixed(s.perSecond, 0)} | ${s.row === "bare" ? "1" : ratioText(s.ratio, s.ratioRange)} | ` +
        `${fixed(s.cpuMicrosPerOp, 1)} | ${s.row === "bare" ? "1" : ratioText(s.cpuRatio, s.cpuRatioRange)} | ` +
        `${CONTROL_ROWS.has(s.row) ? "" : ratioText(s.cpuRatioOverEmpty, s.cpuRatioOverEmptyRange)} | ` +
        `${overControlText(s)} | ${fixed(s.serverCpu * 100, 0)}% | ${s.failures} |` +
        `${quiet ? ` ${setCookieText(s.quietSetCookie)} |` : ""} ${targetText(s)} |`,
    );
  }
  lines.push("", ...gateLines(http.gates.filter((gate) => gate.workload === workload)), "");
  return lines;
}

/** How the HTTP part measured and judged, after its tables. */
function methodText(http, args) {
  return (
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
    "so the ratio of CPU time per request is reported beside them. " +
    '"Empty middleware" is the bare app with one middleware that does nothing (on Fastify an ' +
    "empty onRequest and an empty onSend hook, where flashkit hooks): what the framework charges any middleware; " +
    "\"× empty middleware\" is a row's CPU ratio over the empty middleware's of the same round, the cost of the " +
    "library's own work. The signed-cookie control (flash cycle only) is the bare cycle with its cookie signed " +
    "and checked inline by flashkit's own signer (HMAC-SHA256, the cookie store's format), with no middleware: " +
    "what signing alone costs. A flashkit row's target is judged against the control that isolates flashkit's " +
    "own cost, the quiet page against the empty middleware and the flash cycle against the signed cookie: " +
    "\"× control\" is the row's ratio over the control's of the same round, throughput and CPU, and the target " +
    "counts as met only when both medians reach it. The second bare process is the noise gate: two copies of one " +
    `app should measure 1.00; where its throughput or CPU ratio lands more than ${GATE_TOLERANCE * 100}% away, ` +
    "that framework's rows on that workload are void (the run is void when no framework passes)." +
    (http.pinned
      ? ` The app process${args.sequential ? " was" : "es were"} pinned to one core and the load generator to the other.`
      : "")
  );
}

/**
 * The HTTP part's Markdown: a table per workload with its noise gate, then how it was measured.
 * @param {{ pinned: boolean, summaries: object[], gates: import("./verdicts.js").Gate[], void?: string }} http
 * @param {{ workloads: string[], rounds: number, seconds: number, prewarm: number, connections: number,
 *   sequential: boolean }} args
 * @returns {string}
 * @example
 * httpMarkdown({ pinned: false, ...summarize(measured, ["cycle"]) }, args);
 */
export function httpMarkdown(http, args) {
  const lines = http.void === undefined ? [] : [`**This run is void**: ${http.void}.`, ""];
  for (const workload of args.workloads) lines.push(...workloadMarkdown(http, workload));
  lines.push(methodText(http, args));
  return lines.join("\n");
}

/**
 * Writes the report to bench/results/`name`.md and its raw numbers to `name`.json; returns the Markdown.
 * @param {string} name `latest`, or `partial` for a narrowed run
 * @param {{ date: string, machine: ReturnType<typeof import("./environment.js").machine>,
 *   versions: Record<string, string>, redis: string, errors: string[], httpMarkdown?: string,
 *   overlapMarkdown?: string, microMarkdown?: string } & Record<string, unknown>} report
 * @param {Date} started when the run began
 * @returns {string}
 * @example
 * process.stdout.write(`${writeResults("partial", report, started)}\n`);
 */
export function writeResults(name, report, started) {
  const { machine: env, versions } = report;
  const markdown = [
    `## Benchmarks (${started.toISOString().slice(0, 10)})`,
    "",
    `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}, Node ${env.node}; ` +
      `Express ${versions.express}, Fastify ${versions.fastify}, Koa ${versions.koa}, ` +
      `Hono ${versions.hono}; Redis: ${report.redis}. \`npm run bench\`, ` +
      `${((Date.now() - started.getTime()) / 60_000).toFixed(1)} min.`,
    "",
    report.httpMarkdown ?? "",
    report.overlapMarkdown ? `### Loss under overlap\n\n${report.overlapMarkdown}` : "",
    report.microMarkdown ?? "",
    ...report.errors.map((error) => `**${error}**`),
  ]
    .filter((part) => part !== "")
    .join("\n\n");
  const { httpMarkdown: _http, overlapMarkdown: _overlap, microMarkdown: _micro, ...raw } = report;
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}${name}.json`, `${JSON.stringify(raw, null, 2)}\n`);
  writeFileSync(`${RESULTS_DIR}${name}.md`, `${markdown}\n`);
  return markdown;
}
