/**
 * The benchmark harness (bench/), checked for correctness, never for speed: every app `npm run
 * bench` measures serves the quiet page and the flash cycle as described, the load generator's
 * verification counts a cycle that lost its message as a failure, and the overlap and micro parts
 * run and report what they measured. Timings are not asserted anywhere (see "Benchmarks" in the
 * README).
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
import { measureLoad, probeQuietSetCookie, startAppProcess } from "../bench/http.js";
import { microMarkdown, runMicro } from "../bench/micro.js";
import { overlapMarkdown, runOverlap } from "../bench/overlap.js";
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
    for (const row of result.client.rows) expect(row.gzipBytes).toBeLessThanOrEqual(3072);
    const markdown = microMarkdown(result);
    expect(markdown).toContain("sign + encode + verify + decode");
  }, 60_000);
});
