/**
 * The verdicts of the HTTP part of `npm run bench`, from its raw samples: each row's medians and
 * ratios to the bare framework measured beside it; each flashkit row's target, judged against the
 * control that isolates flashkit's own cost (the quiet page against the empty middleware, the flash
 * cycle against the hand-signed cookie); and the noise gate, the second bare process, which voids a
 * framework's rows on a workload when it lands more than 5% from 1.00, and the whole run when no
 * framework passes it. Pure functions, no I/O: test/bench.all.test.ts feeds them synthetic samples.
 */
import { ANALYSIS_ROWS, ROW_LABELS, ROW_WORKLOADS } from "./apps.js";

/** The workloads of the HTTP part. */
export const WORKLOADS = ["quiet", "cycle"];

/** The targets, per workload, for the flashkit rows: ratio to the workload's control. */
export const TARGETS = { quiet: 0.97, cycle: 0.9 };

/**
 * The control each workload's target is judged against: the row that does all a flashkit row does
 * but flashkit's own work. On the quiet page, a middleware that does nothing; on the flash cycle,
 * the bare cycle with its cookie signed and checked by hand, as the cookie store signs it.
 */
export const TARGET_CONTROLS = { quiet: "empty-middleware", cycle: "signed-cookie" };

/** The noise gate: a second process of the bare app, measured against the first like any row. */
export const GATE_ROW = "bare-again";

/** How far from 1.00 the gate's ratios may land before its rows are void. */
export const GATE_TOLERANCE = 0.05;

/** The rows measured only to show the noise and the framework's own cost: no target, no "× empty middleware". */
export const CONTROL_ROWS = new Set(["bare", GATE_ROW, "empty-middleware", "signed-cookie", ...ANALYSIS_ROWS]);

/**
 * Whether `row` is measured on `workload` (a control may be measured on one workload only).
 * @param {string} row
 * @param {string} workload
 */
export function measuredIn(row, workload) {
  return ROW_WORKLOADS[row]?.includes(workload) ?? true;
}

/**
 * The median of the finite values, NaN when there is none.
 * @param {number[]} values
 * @example
 * median([3, 1, Number.NaN, 2]); // 2
 */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** @param {number[]} values */
const range = (values) => [Math.min(...values), Math.max(...values)];

/**
 * @typedef {object} Sample one measurement of one app, beside a bare one (see bench/run.js)
 * @property {number} round
 * @property {string} pair the round and the row measured beside the bare app: `${round}/${row}`
 * @property {string} workload
 * @property {string} framework
 * @property {string} row
 * @property {number} perSecond
 * @property {number} cpuMicrosPerOp
 * @property {number} serverCpu
 * @property {number} failures
 * @property {number} completed
 */

/**
 * @typedef {object} Gate the noise gate of one framework on one workload
 * @property {string} workload
 * @property {string} framework
 * @property {number} ratio the second bare process's throughput ratio (median over rounds)
 * @property {number} cpuRatio its CPU ratio
 * @property {string} [void] why the framework's rows on this workload are void; absent when they stand
 */

/**
 * The noise gate: the second bare process's median ratios, throughput and CPU, each within
 * {@link GATE_TOLERANCE} of 1.00, or the reason the rows beside it are void.
 * @param {{ ratio: number, cpuRatio: number } | undefined} gate undefined when the second bare process was not measured
 * @returns {string | undefined} the reason, or undefined when the gate passes
 * @example
 * gateVoid({ ratio: 1.02, cpuRatio: 0.97 }); // undefined
 * gateVoid({ ratio: 0.93, cpuRatio: 0.97 }); // "the second bare process measured 0.930 × bare (CPU 0.970), …"
 */
export function gateVoid(gate) {
  if (!gate || !Number.isFinite(gate.ratio) || !Number.isFinite(gate.cpuRatio)) {
    return "the second bare process (the noise gate) was not measured";
  }
  // 1e-9: 0.95 is 5% from 1.00 however the subtraction rounds.
  const off = (value) => Math.abs(value - 1) > GATE_TOLERANCE + 1e-9;
  if (!off(gate.ratio) && !off(gate.cpuRatio)) return undefined;
  return (
    `the second bare process measured ${gate.ratio.toFixed(3)} × bare (CPU ${gate.cpuRatio.toFixed(3)}), ` +
    `more than ${GATE_TOLERANCE * 100}% from 1.00: two copies of one app differ by more than a target's margin`
  );
}

/**
 * A flashkit row's verdict on its workload's target: met when both its throughput and its CPU ratio
 * over the control reach the target (throughput is capped by the load generator when the server is
 * not saturated, CPU per request is not); void when its gate voids it; "no control" when the
 * control was not measured.
 * @param {{ ratioOverControl: number, cpuRatioOverControl: number }} overControl
 * @param {number} target
 * @param {string | undefined} voidReason from {@link gateVoid}
 * @returns {"met" | "missed" | "void" | "no control"}
 * @example
 * judge({ ratioOverControl: 0.95, cpuRatioOverControl: 0.92 }, 0.9, undefined); // "met"
 */
export function judge(overControl, target, voidReason) {
  if (voidReason !== undefined) return "void";
  const lower = Math.min(overControl.ratioOverControl, overControl.cpuRatioOverControl);
  if (!Number.isFinite(lower)) return "no control";
  return lower >= target ? "met" : "missed";
}

/**
 * Medians and ratios of the raw samples, one summary per workload × framework × row, each flashkit
 * row judged against its workload's control, and every framework's rows gated by its second bare
 * process.
 * @param {{ rows: Array<{ framework: string, row: string, skipped?: string, quietSetCookie?: object }>,
 *   samples: Sample[] }} http the rows started (in table order) and their samples
 * @param {string[]} workloads
 * @returns {{ summaries: Array<Record<string, any>>, gates: Gate[], void?: string }} `void`: why the whole run is void
 */
export function summarize(http, workloads) {
  const summaries = [];
  const gates = [];
  for (const workload of workloads) {
    const gateOf = new Map();
    for (const framework of new Set(http.rows.map((entry) => entry.framework))) {
      const ratios = roundRatios(http.samples, workload, framework);
      const gateRounds = ratios(GATE_ROW);
      const measured = gateRounds.length > 0;
      const gate = {
        workload,
        framework,
        ratio: median(gateRounds.map((r) => r.ratio)),
        cpuRatio: median(gateRounds.map((r) => r.cpuRatio)),
      };
      const reason = gateVoid(measured ? gate : undefined);
      gates.push(reason === undefined ? gate : { ...gate, void: reason });
      gateOf.set(framework, reason);
    }
    for (const entry of http.rows) {
      if (!measuredIn(entry.row, workload)) continue;
      summaries.push(summarizeRow(http.samples, workload, entry, gateOf.get(entry.framework)));
    }
  }
  const standing = gates.filter((gate) => gate.void === undefined);
  const runVoid =
    gates.length === 0
      ? "no framework was measured"
      : standing.length === 0
        ? `every framework's noise gate is off by more than ${GATE_TOLERANCE * 100}%: no verdict of this run stands`
        : undefined;
  return runVoid === undefined ? { summaries, gates } : { summaries, gates, void: runVoid };
}

/**
 * For one framework on one workload: a function from a row to its per-round ratios, each against
 * the bare measurement beside it (throughput: row ÷ bare; CPU: bare's µs ÷ the row's).
 * @param {Sample[]} samples
 * @param {string} workload
 * @param {string} framework
 */
function roundRatios(samples, workload, framework) {
  const of = (row) => samples.filter((s) => s.workload === workload && s.framework === framework && s.row === row);
  const bares = of("bare");
  return (row) =>
    of(row).flatMap((sample) => {
      const bare = bares.find((s) => s.pair === sample.pair);
      if (!bare) return [];
      return [
        {
          round: sample.round,
          ratio: sample.perSecond / bare.perSecond,
          cpuRatio: bare.cpuMicrosPerOp / sample.cpuMicrosPerOp,
        },
      ];
    });
}

/**
 * Per round, a row's ratios over a control's of the same round (each against the bare app measured
 * beside it): the cost of the row's own work over the control's.
 */
function overRound(mine, control) {
  return mine.map((r) => {
    const c = control.find((x) => x.round === r.round);
    return c
      ? { ratio: r.ratio / c.ratio, cpuRatio: r.cpuRatio / c.cpuRatio }
      : { ratio: Number.NaN, cpuRatio: Number.NaN };
  });
}

/** One row's summary on one workload (see {@link summarize}). */
function summarizeRow(samples, workload, entry, voidReason) {
  const { framework, row } = entry;
  const base = { workload, framework, row, label: ROW_LABELS[row] };
  if (entry.skipped) return { ...base, skipped: entry.skipped };
  const mine = samples.filter((s) => s.workload === workload && s.framework === framework && s.row === row);
  const ratiosOf = roundRatios(samples, workload, framework);
  const rounds = row === "bare" ? [] : ratiosOf(row);
  const ratios = rounds.map((r) => r.ratio);
  const cpuRatios = rounds.map((r) => r.cpuRatio);
  // A library's own cost, over what the framework charges any middleware.
  const overEmpty = CONTROL_ROWS.has(row) ? [] : overRound(rounds, ratiosOf("empty-middleware")).map((r) => r.cpuRatio);
  const summary = {
    ...base,
    perSecond: median(mine.map((s) => s.perSecond)),
    ratio: median(ratios),
    ratioRange: range(ratios),
    cpuMicrosPerOp: median(mine.map((s) => s.cpuMicrosPerOp)),
    cpuRatio: median(cpuRatios),
    cpuRatioRange: range(cpuRatios),
    cpuRatioOverEmpty: median(overEmpty),
    cpuRatioOverEmptyRange: range(overEmpty),
    serverCpu: median(mine.map((s) => s.serverCpu)),
    failures: mine.reduce((sum, s) => sum + s.failures, 0),
    completed: mine.reduce((sum, s) => sum + s.completed, 0),
    quietSetCookie: entry.quietSetCookie,
    ...(voidReason === undefined ? {} : { void: voidReason }),
  };
  if (!row.startsWith("flashkit-")) return summary;
  const control = TARGET_CONTROLS[workload];
  const over = overRound(rounds, ratiosOf(control));
  const overControl = {
    ratioOverControl: median(over.map((r) => r.ratio)),
    cpuRatioOverControl: median(over.map((r) => r.cpuRatio)),
  };
  const target = TARGETS[workload];
  const verdict = judge(overControl, target, voidReason);
  return {
    ...summary,
    control,
    ...overControl,
    ratioOverControlRange: range(over.map((r) => r.ratio)),
    cpuRatioOverControlRange: range(over.map((r) => r.cpuRatio)),
    target,
    verdict,
    targetMet: verdict === "met" ? true : verdict === "missed" ? false : undefined,
  };
}
