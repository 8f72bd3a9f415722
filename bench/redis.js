/**
 * The Redis the bench's Redis rows use: `REDIS_URL` when set, else a throw-away Debian
 * `redis-server` (persistence off) on a free port of 127.0.0.1, or none (the rows are skipped, loudly).
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/**
 * @typedef {object} BenchRedis
 * @property {string | undefined} url `redis://…`, or undefined when there is no Redis
 * @property {string} note where it came from, or why there is none
 * @property {() => Promise<void>} close
 */

/** @returns {Promise<BenchRedis>} */
export async function startBenchRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, note: "REDIS_URL", close: async () => {} };
  const binary = process.env.REDIS_SERVER_BIN ?? "redis-server";
  const version = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (version.status !== 0) {
    return {
      url: undefined,
      note: "redis-server is not installed (apt-get install redis-server, or set REDIS_URL)",
      close: async () => {},
    };
  }
  const port = await new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => {});
    const ready = await client.connect().then(
      () => client.ping().then(() => true),
      () => false,
    );
    client.disconnect();
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    note: version.stdout.trim().split(" ").slice(0, 3).join(" "),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
