/**
 * Where `npm run bench` ran: the machine (CPU, cores, memory, OS, Node) and the versions of every
 * framework and library measured, for the head of the report and for the micro part's own
 * environment table. Measures nothing.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, type as osType, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { table } from "./markdown.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

/** The packages whose versions head the report: the frameworks, the peers, the load generator. */
const RUN_PACKAGES = [
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
];

/** The packages of the micro part's environment table (after flashkit itself). */
const MICRO_PACKAGES = [
  "tinybench",
  "express",
  "fastify",
  "cookie-session",
  "connect-flash",
  "express-session",
  "@fastify/secure-session",
  "@fastify/flash",
  "@fastify/cookie",
];

/** @param {string} file a package.json */
function versionAt(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8")).version ?? "?";
  } catch {
    return "?";
  }
}

/**
 * The installed version of a package, "?" when it is not installed.
 * @param {string} name
 * @example
 * packageVersion("express"); // "5.3.0"
 */
export const packageVersion = (name) => versionAt(join(ROOT, "node_modules", name, "package.json"));

/**
 * The versions of the packages that head the report.
 * @returns {Record<string, string>}
 */
export const runVersions = () => Object.fromEntries(RUN_PACKAGES.map((name) => [name, packageVersion(name)]));

/**
 * The machine the bench runs on.
 * @returns {{ cpu: string, cores: number, memoryGiB: number, node: string, os: string }}
 */
export function machine() {
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

/**
 * @typedef {object} MicroEnvironment
 * @property {string} node
 * @property {string} platform
 * @property {string} cpu
 * @property {number} cores
 * @property {string} date
 * @property {boolean} quick
 * @property {Record<string, string>} versions flashkit's, the peers', and the `cookies`/`keygrip` cookie-session uses
 */

/**
 * The micro part's environment: the process, and the versions of what its codec rows call.
 * @param {boolean} quick
 * @returns {MicroEnvironment}
 */
export function describeEnvironment(quick) {
  const requireFromCookieSession = createRequire(require.resolve("cookie-session"));
  const cookiesDir = dirname(requireFromCookieSession.resolve("cookies"));
  const keygripDir = dirname(createRequire(join(cookiesDir, "index.js")).resolve("keygrip"));
  /** @type {Record<string, string>} */
  const versions = { flashkit: versionAt(join(ROOT, "package.json")) };
  for (const name of MICRO_PACKAGES) versions[name] = packageVersion(name);
  versions.cookies = versionAt(join(cookiesDir, "package.json"));
  versions.keygrip = versionAt(join(keygripDir, "package.json"));
  const cpuList = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpuList[0]?.model?.trim() ?? "unknown",
    cores: cpuList.length,
    date: new Date().toISOString(),
    quick,
    versions,
  };
}

/**
 * The micro part's environment section.
 * @param {MicroEnvironment} environment
 * @returns {string[]} Markdown lines
 * @example
 * environmentMarkdown(describeEnvironment(false)).join("\n");
 */
export function environmentMarkdown(environment) {
  return [
    "### Environment",
    "",
    table(
      ["Node", "Platform", "CPU", "Cores", "Date", "Mode"],
      [
        [
          environment.node,
          environment.platform,
          environment.cpu,
          environment.cores,
          environment.date,
          environment.quick ? "quick" : "full",
        ],
      ],
    ),
    "",
    `Versions: ${Object.entries(environment.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}.`,
  ];
}
