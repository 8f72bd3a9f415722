/**
 * The HTTP half of `npm run bench`: each app in its own process (bench/server.js), loaded with
 * autocannon from this one. Every autocannon connection is one browser: it keeps the cookies its
 * responses set in flashkit/testing's cookie jar (a `Max-Age=0` or past `Expires` deletes) and sends
 * them back, across cycles.
 */
import { fork, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createCookieJar } from "../dist/testing/cookie-jar.js";
import { BENCH_MESSAGE } from "./apps.js";

const SERVER_JS = fileURLToPath(new URL("./server.js", import.meta.url));

/**
 * @typedef {object} AppProcess
 * @property {string} url
 * @property {number} pid
 * @property {() => Promise<{ cpu: number, user: number }>} cpuMicros CPU time (user + system, and user alone, µs) the process has used so far
 * @property {() => Promise<void>} stop
 */

/**
 * Starts bench/server.js for `framework` × `row` in a child process.
 * @param {string} framework
 * @param {string} row
 * @param {NodeJS.ProcessEnv} [env]
 * @param {string[]} [execArgv] Node options for the child (`--cpu-prof`, …)
 * @returns {Promise<AppProcess>}
 */
export function startAppProcess(framework, row, env = {}, execArgv = []) {
  const child = fork(SERVER_JS, [framework, row], {
    execArgv,
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  /** @type {Array<(usage: { cpu: number, user: number }) => void>} */
  const waiting = [];
  return new Promise((resolve, reject) => {
    const failed = (code) => reject(new Error(`bench server ${framework} × ${row} exited (${code}) before listening`));
    child.once("exit", failed);
    child.on("message", (message) => {
      if (message && typeof message === "object" && "url" in message) {
        child.off("exit", failed);
        resolve({
          url: message.url,
          pid: child.pid,
          cpuMicros: () =>
            new Promise((resolveUsage) => {
              waiting.push(resolveUsage);
              child.send("cpu");
            }),
          stop: () =>
            new Promise((resolveStop) => {
              if (child.exitCode !== null) return resolveStop();
              child.once("exit", () => resolveStop());
              child.send("stop");
            }),
        });
      } else if (message && typeof message === "object" && "cpu" in message) {
        waiting.shift()?.(message);
      }
    });
  });
}

/**
 * Pins `pid` (every thread) to `core` with `taskset`; false when it cannot be done here (one core,
 * or no `taskset`).
 * @param {number} pid
 * @param {number} core
 */
export function pin(pid, core) {
  if (cpus().length < 2) return false;
  return spawnSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" }).status === 0;
}

/** Applies a response's `Set-Cookie` headers (autocannon's header object) to the connection's jar. */
function applySetCookie(browser, headers) {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() !== "set-cookie") continue;
    const setCookie = headers[name];
    jarOf(browser).apply(Array.isArray(setCookie) ? setCookie : [setCookie]);
  }
}

/** The connection's jar, made on its first request (autocannon's deep clone copies data, not a closure's). */
function jarOf(browser) {
  browser.jar ??= createCookieJar();
  return browser.jar;
}

function withCookies(request) {
  const cookie = jarOf(request.browser).header();
  if (cookie) request.headers = { ...request.headers, cookie };
  return request;
}

/**
 * @typedef {object} LoadResult
 * @property {number} perSecond requests (quiet) or cycles (cycle) completed per second
 * @property {number} completed requests or cycles completed
 * @property {number} failures cycles whose page lacked the message or had a wrong status, quiet pages not 200, plus socket errors and timeouts
 * @property {number} seconds autocannon's duration of the measurement
 * @property {number} wallSeconds wall time of the measurement, from start to the last response
 * @property {number} serverCpu the app process's CPU time over the wall time (1 = one core busy all along)
 * @property {number} cpuMicrosPerOp the app process's CPU time per request or cycle, µs
 * @property {number} userMicrosPerOp the same, user time only (without the kernel's share: sockets, wake-ups)
 * @property {number} latencyP50 autocannon's median latency, ms
 */

/**
 * Loads `app` with one workload for `seconds`: as fast as it answers, or at `overallRate` requests
 * per second in all (an equal load for every row, to compare their CPU time per request).
 * @param {AppProcess} app
 * @param {"quiet" | "cycle"} workload
 * @param {{ seconds: number, connections: number, quietCookies?: string, overallRate?: number }} options
 *   `quietCookies`: the `Cookie` header the quiet page's requests carry (see {@link probeQuietSetCookie})
 * @returns {Promise<LoadResult>}
 */
export async function measureLoad(app, workload, { seconds, connections, quietCookies = "", overallRate }) {
  let completed = 0;
  let failures = 0;
  // One object per connection after autocannon's per-client deep clone, shared by the requests of a cycle.
  const browser = { jar: undefined };
  // The quiet page is one static request (autocannon builds it once), carrying the cookies a first
  // visit got: the cheapest load autocannon can generate, so the server, not the client, is the limit.
  const requests =
    workload === "quiet"
      ? [{ method: "GET", path: "/", headers: quietCookies ? { cookie: quietCookies } : {} }]
      : [
          {
            method: "POST",
            path: "/update_profile",
            browser,
            setupRequest: withCookies,
            onResponse(status, _body, _context, headers) {
              applySetCookie(this.browser, headers);
              if (status !== 302) failures++;
            },
          },
          {
            method: "GET",
            path: "/profile",
            browser,
            setupRequest: withCookies,
            onResponse(status, body, _context, headers) {
              applySetCookie(this.browser, headers);
              if (status === 200 && body.includes(BENCH_MESSAGE)) completed++;
              else failures++;
            },
          },
        ];
  const cpuBefore = await app.cpuMicros();
  const started = performance.now();
  const result = await autocannon({
    url: app.url,
    connections,
    duration: seconds,
    requests,
    timeout: 10,
    ...(overallRate ? { overallRate } : {}),
  });
  const wall = (performance.now() - started) / 1000;
  const cpuAfter = await app.cpuMicros();
  if (workload === "quiet") {
    completed = result["2xx"];
    failures += result.non2xx;
  }
  return {
    wallSeconds: wall,
    perSecond: completed / result.duration,
    completed,
    failures: failures + result.errors + result.timeouts,
    seconds: result.duration,
    serverCpu: (cpuAfter.cpu - cpuBefore.cpu) / 1e6 / wall,
    cpuMicrosPerOp: (cpuAfter.cpu - cpuBefore.cpu) / completed,
    userMicrosPerOp: (cpuAfter.user - cpuBefore.user) / completed,
    latencyP50: result.latency.p50,
  };
}

/**
 * Whether the quiet page sets a cookie: for a first visit (no cookies), and for the same browser's
 * next visit (with the cookies of the first); `cookies` is the `Cookie` header of that browser.
 * @param {string} url
 * @returns {Promise<{ firstVisit: boolean, returning: boolean, cookies: string }>}
 */
export async function probeQuietSetCookie(url) {
  const first = await fetch(`${url}/`);
  await first.arrayBuffer();
  const cookies = first.headers.getSetCookie().map((header) => header.split(";")[0]);
  const next = await fetch(`${url}/`, { headers: cookies.length ? { cookie: cookies.join("; ") } : {} });
  await next.arrayBuffer();
  return {
    firstVisit: cookies.length > 0,
    returning: next.headers.getSetCookie().length > 0,
    cookies: cookies.join("; "),
  };
}
