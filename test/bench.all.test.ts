/**
 * The benchmark harness (bench/), checked for correctness, never for speed: every app `npm run
 * bench` measures serves the quiet page and the flash cycle as described, the load generator's
 * verification counts a cycle that lost its message as a failure, the overlap and micro parts
 * run and report what they measured, and the verdicts (targets judged against their controls, the
 * noise gate that voids a framework's rows) follow their rules on synthetic numbers. Timings are not
 * asserted anywhere (see bench/README.md).
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as benchApps from "../bench/apps.js";
import {
  ANALYSIS_ROWS,
  BENCH_MESSAGE,
  BENCH_ROWS,
  EXTRA_WORK_ROWS,
  extraWork,
  renderPage,
  startBenchApp,
} from "../bench/apps.js";
import { CLIENT_BUDGET_BYTES } from "../bench/client-size.js";
import { measureLoad, probeQuietSetCookie, startAppProcess } from "../bench/http.js";
import { microMarkdown, runMicro } from "../bench/micro.js";
import { overlapMarkdown, runOverlap } from "../bench/overlap.js";
import { httpMarkdown } from "../bench/report.js";
import { GATE_ROW, gateVoid, judge, summarize, TARGET_CONTROLS, TARGETS } from "../bench/verdicts.js";
import { createBrowserClient } from "../src/testing/index.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

let redis: RedisServer | undefined;
beforeAll(async () => {
  if (HAS_REDIS) redis = await startRedisServer();
}, 30_000);
afterAll(() => redis?.close());

const SESSION_ROWS = new Set(["express-session", "cookie-session", "secure-session"]);
const cases = Object.entries(BENCH_ROWS).flatMap(([framework, rows]) =>
  [...rows, ...ANALYSIS_ROWS]
    .filter((row) => row !== "flashkit-redis" || HAS_REDIS)
    .map((row) => [framework, row] as const),
);

describe("the bench apps", () => {
  it("render a page of about 1 KB, with the messages escaped", () => {
    const quiet = renderPage([]);
    expect(Buffer.byteLength(quiet)).toBeGreaterThan(900);
    expect(Buffer.byteLength(quiet)).toBeLessThan(1300);
    expect(renderPage([["success", "<b>"]])).toContain('<div class="alert alert-success" role="alert">&lt;b&gt;</div>');
  });

  it.each(cases)("%s × %s: the quiet page, and a flash cycle that shows the message once", async (framework, row) => {
    const app = await startBenchApp(framework as keyof typeof BENCH_ROWS, row, { redisUrl: redis?.url });
    try {
      const browser = createBrowserClient(app.url);
      const quiet = await browser.fetch("/");
      expect(quiet.status).toBe(200);
      expect(await quiet.text()).toBe(renderPage([]));
      // The bare framework and flashkit send no cookie for a page that found no messages.
      if (!SESSION_ROWS.has(row)) expect(quiet.headers.getSetCookie()).toEqual([]);

      const post = await browser.fetch("/update_profile", { method: "POST", redirect: "manual" });
      expect(post.status).toBe(302);
      expect(post.headers.get("location")).toBe("/profile");
      await post.body?.cancel();
      const profile = await browser.fetch("/profile");
      expect(await profile.text()).toBe(renderPage([["success", BENCH_MESSAGE]]));
      const again = await browser.fetch("/profile");
      expect(await again.text()).toBe(renderPage([]));
    } finally {
      await app.close();
    }
  });
});

describe("the signed-cookie control", () => {
  it.each(Object.keys(BENCH_ROWS))("%s: signs its cookie and shows nothing for a forged one", async (framework) => {
    const app = await startBenchApp(framework as keyof typeof BENCH_ROWS, "signed-cookie");
    try {
      const post = await fetch(`${app.url}/update_profile`, { method: "POST", redirect: "manual" });
      const [setCookie] = post.headers.getSetCookie();
      const cookie = setCookie?.split(";")[0] ?? "";
      expect(cookie).toMatch(/^flash=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      const forged = cookie.replace(/^flash=(.)/, (_, first: string) => `flash=${first === "A" ? "B" : "A"}`);
      const page = (value: string) => fetch(`${app.url}/profile`, { headers: { cookie: value } }).then((r) => r.text());
      expect(await page(forged)).toBe(renderPage([]));
      expect(await page(cookie)).toBe(renderPage([["success", BENCH_MESSAGE]]));
    } finally {
      await app.close();
    }
  });
});

describe("the amplification rows and bench/amplification.js", () => {
  const proofs = { compute: expect.any(Number), allocation: 500, "flashkit-path": BENCH_MESSAGE };

  it.each(Object.entries(EXTRA_WORK_ROWS))("%s does its extra work on each flash", async (row, kind) => {
    const work = await extraWork(kind as keyof typeof proofs);
    expect(work()).toEqual(proofs[kind as keyof typeof proofs]);
    const app = await startBenchApp("koa", row);
    try {
      const post = await fetch(`${app.url}/update_profile`, { method: "POST", redirect: "manual" });
      await post.body?.cancel();
      expect(benchApps.extraWorkSink).toEqual(work());
    } finally {
      await app.close();
    }
  });

  it("sets each work's cost in a loop beside its cost in a loaded server, with no failed cycle", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["bench/amplification.js", "--quick", "--only", "koa"],
      { cwd: new URL("..", import.meta.url), timeout: 60_000 },
    );
    const rows = stdout.split("\n").filter((line) => line.startsWith("| koa |"));
    expect(rows).toHaveLength(Object.keys(EXTRA_WORK_ROWS).length);
    for (const line of rows) {
      const [, , , loop, server, times, failures] = line.split("|").map((cell) => cell.trim());
      expect(Number(loop)).toBeGreaterThan(0);
      expect(Number.isFinite(Number.parseFloat(server ?? ""))).toBe(true);
      expect(Number.isFinite(Number(times))).toBe(true);
      expect(failures).toBe("0");
    }
  }, 90_000);
});

describe("the load generator", () => {
  it("measures an app in its own process, and reports whether its quiet page sets a cookie", async () => {
    const app = await startAppProcess("express", "flashkit-cookie");
    try {
      expect(await probeQuietSetCookie(app.url)).toEqual({ firstVisit: false, returning: false, cookies: "" });
      for (const workload of ["quiet", "cycle"] as const) {
        const result = await measureLoad(app, workload, { seconds: 0.5, connections: 2 });
        expect(result.failures).toBe(0);
        expect(result.completed).toBeGreaterThan(0);
        expect(result.cpuMicrosPerOp).toBeGreaterThan(0);
      }
    } finally {
      await app.stop();
    }
    const session = await startAppProcess("fastify", "secure-session");
    try {
      const probe = await probeQuietSetCookie(session.url);
      expect(probe).toMatchObject({ firstVisit: true, returning: true });
      expect(probe.cookies).toMatch(/^session=/);
    } finally {
      await session.stop();
    }
  }, 30_000);

  it("counts a cycle whose page lacks the message as a failure", async () => {
    // Redirects like the real apps, but the profile page never shows the message.
    const server = createServer((req, res) => {
      if (req.method === "POST") res.writeHead(302, { location: "/profile" }).end();
      else res.writeHead(200, { "content-type": "text/html" }).end(renderPage([]));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const app = { url, pid: process.pid, cpuMicros: async () => ({ cpu: 0, user: 0 }), stop: async () => {} };
    try {
      const result = await measureLoad(app, "cycle", { seconds: 0.3, connections: 2 });
      expect(result.completed).toBe(0);
      expect(result.failures).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("loss under overlap and the micro benchmarks", () => {
  it("runs the no-loss workload against flashkit and every peer: flashkit loses nothing", async () => {
    const rows = await runOverlap({ rounds: 10, redisUrl: redis?.url });
    const flashkit = rows.filter((row) => row.library === "flashkit" && !row.skipped);
    expect(flashkit.length).toBeGreaterThanOrEqual(HAS_REDIS ? 10 : 8);
    for (const row of flashkit) expect(row).toMatchObject({ flashed: 30, lost: 0, failedRequests: 0 });
    const peers = rows.filter((row) => row.library !== "flashkit");
    expect(peers).toHaveLength(3);
    for (const peer of peers) expect(peer.flashed).toBe(30);
    expect(overlapMarkdown(rows)).toMatch(/0 lost.*met/s);
  }, 60_000);

  it("measures the codec, the bytes on the wire, the capacity of a cookie and the client's size", async () => {
    const result = await runMicro({ quick: true });
    expect(result.codec.rows.length).toBeGreaterThan(0);
    expect(result.wire.rows.length).toBeGreaterThan(0);
    expect(result.capacity.rows.length).toBeGreaterThan(0);
    for (const row of result.client.rows) expect(row.gzipBytes).toBeLessThanOrEqual(CLIENT_BUDGET_BYTES);
    const markdown = microMarkdown(result);
    expect(markdown).toContain("sign + encode + verify + decode");
  }, 60_000);
});

describe("the verdicts", () => {
  /**
   * Samples of one framework on one workload, one round per entry of `rounds`: for each row, its
   * throughput and CPU µs per operation, measured beside a bare app at 1000/s and 100 µs.
   */
  function samples(workload: string, rounds: Array<Record<string, number>>, framework = "koa") {
    return rounds.flatMap((rows, round) =>
      Object.entries(rows).flatMap(([row, perSecond]) => {
        const pair = `${round}/${row}`;
        const common = { round, pair, workload, framework, serverCpu: 0.5, failures: 0, completed: 1, wallSeconds: 1 };
        return [
          { ...common, row: "bare", perSecond: 1000, cpuMicrosPerOp: 100 },
          { ...common, row, perSecond, cpuMicrosPerOp: (100 * 1000) / perSecond },
        ];
      }),
    );
  }
  const rowsOf = (framework: string, names: string[]) => names.map((row) => ({ framework, row }));

  it("voids rows whose second bare process lands more than 5% from 1.00, throughput or CPU", () => {
    expect(gateVoid({ ratio: 1, cpuRatio: 1 })).toBeUndefined();
    expect(gateVoid({ ratio: 0.95, cpuRatio: 1.05 })).toBeUndefined();
    expect(gateVoid({ ratio: 0.949, cpuRatio: 1 })).toMatch(/0\.949 × bare.*more than 5% from 1\.00/);
    expect(gateVoid({ ratio: 1, cpuRatio: 1.051 })).toMatch(/CPU 1\.051/);
    expect(gateVoid(undefined)).toMatch(/not measured/);
    expect(gateVoid({ ratio: Number.NaN, cpuRatio: 1 })).toMatch(/not measured/);
  });

  it("judges a target on the lower of the two ratios over the control, unless void or without a control", () => {
    expect(judge({ ratioOverControl: 0.95, cpuRatioOverControl: 0.91 }, 0.9, undefined)).toBe("met");
    expect(judge({ ratioOverControl: 0.9, cpuRatioOverControl: 0.9 }, 0.9, undefined)).toBe("met");
    expect(judge({ ratioOverControl: 0.99, cpuRatioOverControl: 0.89 }, 0.9, undefined)).toBe("missed");
    expect(judge({ ratioOverControl: 0.99, cpuRatioOverControl: 0.99 }, 0.9, "noisy")).toBe("void");
    expect(judge({ ratioOverControl: Number.NaN, cpuRatioOverControl: Number.NaN }, 0.9, undefined)).toBe("no control");
  });

  it("judges the flash cycle against the signed cookie and the quiet page against the empty middleware", () => {
    expect(TARGET_CONTROLS).toEqual({ quiet: "empty-middleware", cycle: "signed-cookie" });
    // flashkit at 0.76 × bare would miss 0.90; over the signed cookie's 0.80 it is 0.95: met.
    const cycle = [{ [GATE_ROW]: 1000, "signed-cookie": 800, "flashkit-cookie": 760, "flashkit-memory": 700 }];
    // the quiet page: flashkit 0.96 × bare misses 0.97; over the empty middleware's 0.98, 0.98: met.
    const quiet = [{ [GATE_ROW]: 990, "empty-middleware": 980, "flashkit-cookie": 960 }];
    const http = {
      rows: rowsOf("koa", [
        "bare",
        GATE_ROW,
        "empty-middleware",
        "signed-cookie",
        "flashkit-cookie",
        "flashkit-memory",
      ]),
      samples: [...samples("cycle", cycle), ...samples("quiet", quiet)],
    };
    const { summaries, gates, void: runVoid } = summarize(http, ["quiet", "cycle"]);
    expect(runVoid).toBeUndefined();
    expect(gates.every((gate) => gate.void === undefined)).toBe(true);
    const find = (workload: string, row: string) => summaries.find((s) => s.workload === workload && s.row === row);
    expect(find("cycle", "flashkit-cookie")).toMatchObject({
      control: "signed-cookie",
      target: TARGETS.cycle,
      verdict: "met",
      targetMet: true,
    });
    expect(find("cycle", "flashkit-cookie")?.ratio).toBeCloseTo(0.76);
    expect(find("cycle", "flashkit-cookie")?.ratioOverControl).toBeCloseTo(0.95);
    expect(find("cycle", "flashkit-cookie")?.cpuRatioOverControl).toBeCloseTo(0.95);
    // 0.70 / 0.80 = 0.875
    expect(find("cycle", "flashkit-memory")).toMatchObject({ verdict: "missed", targetMet: false });
    expect(find("quiet", "flashkit-cookie")).toMatchObject({
      control: "empty-middleware",
      target: TARGETS.quiet,
      verdict: "met",
    });
    expect(find("quiet", "flashkit-cookie")?.ratioOverControl).toBeCloseTo(0.96 / 0.98);
    // the signed-cookie control is measured on the flash cycle only, and no control row is judged
    expect(find("quiet", "signed-cookie")).toBeUndefined();
    expect(find("cycle", "signed-cookie")?.verdict).toBeUndefined();
    const markdown = httpMarkdown(
      { pinned: false, summaries, gates },
      { workloads: ["quiet", "cycle"], rounds: 1, seconds: 1, prewarm: 0, connections: 1, sequential: false },
    );
    expect(markdown).toContain("met (≥ 0.90 × signed cookie)");
    expect(markdown).toContain("**missed** (≥ 0.90 × signed cookie)");
    expect(markdown).toContain("met (≥ 0.97 × empty middleware)");
    expect(markdown).not.toContain("void (noise gate)");
    expect(markdown).not.toMatch(/\*\*(Void|This run is void)/);
  });

  it("marks a framework's rows void when its gate is off, and the run when no framework passes", () => {
    const rows = ["bare", GATE_ROW, "signed-cookie", "flashkit-cookie", "express-session"];
    const noisy = { [GATE_ROW]: 900, "signed-cookie": 800, "flashkit-cookie": 790, "express-session": 400 };
    const steady = { [GATE_ROW]: 1010, "signed-cookie": 800, "flashkit-cookie": 790 };
    const oneNoisy = summarize(
      {
        rows: [...rowsOf("express", rows), ...rowsOf("koa", rows.slice(0, 4))],
        samples: [...samples("cycle", [noisy], "express"), ...samples("cycle", [steady], "koa")],
      },
      ["cycle"],
    );
    expect(oneNoisy.void).toBeUndefined();
    expect(oneNoisy.gates.find((gate) => gate.framework === "express")?.void).toMatch(/0\.900 × bare/);
    expect(oneNoisy.gates.find((gate) => gate.framework === "koa")?.void).toBeUndefined();
    for (const summary of oneNoisy.summaries.filter((s) => s.framework === "express")) {
      expect(summary.void).toMatch(/more than 5%/);
    }
    expect(oneNoisy.summaries.find((s) => s.framework === "express" && s.row === "flashkit-cookie")).toMatchObject({
      verdict: "void",
      targetMet: undefined,
    });
    expect(oneNoisy.summaries.find((s) => s.framework === "koa" && s.row === "flashkit-cookie")).toMatchObject({
      verdict: "met",
    });
    const args = { workloads: ["cycle"], rounds: 1, seconds: 1, prewarm: 0, connections: 1, sequential: false };
    const markdown = httpMarkdown({ pinned: false, ...oneNoisy }, args);
    expect(markdown).toContain("void (noise gate)");
    expect(markdown).toMatch(
      /\*\*Void: Express 5's rows\*\* on this workload: the second bare process measured 0\.900/,
    );
    expect(markdown).not.toContain("This run is void");

    const allNoisy = summarize({ rows: rowsOf("express", rows), samples: samples("cycle", [noisy], "express") }, [
      "cycle",
    ]);
    expect(allNoisy.void).toMatch(/every framework's noise gate/);
    expect(httpMarkdown({ pinned: false, ...allNoisy }, args)).toMatch(/^\*\*This run is void\*\*: every framework/);
    const ungated = summarize(
      { rows: rowsOf("koa", ["bare", "flashkit-cookie"]), samples: samples("cycle", [{ "flashkit-cookie": 900 }]) },
      ["cycle"],
    );
    expect(ungated.gates[0]?.void).toMatch(/not measured/);
    expect(ungated.void).toMatch(/every framework/);
  });
});
