/**
 * Runs the demo: `npm start`, or `node examples/demo/server.js` after `npm run build`.
 *
 * Environment:
 * - `PORT` (default 3000; 0 picks a free port) and `HOST` (default 127.0.0.1);
 * - `FLASH_SECRET`: at least 32 random bytes (`openssl rand -base64 32`). Without it a random secret is
 *   made for this process, with a warning; with `NODE_ENV=production` the demo refuses to start.
 * - `REDIS_URL` (e.g. `redis://127.0.0.1:6379`): keep pending messages in Redis (`flashkit/redis`, over
 *   an ioredis client) instead of the default signed cookies, so several instances can share them.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { FlashError } from "flashkit";
import { createDemoApp } from "./app.js";

/** @param {string} message */
function fail(message) {
  console.error(`flashkit demo: ${message}`);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, got ${process.env.PORT}`);
const host = process.env.HOST || "127.0.0.1";

let secret = process.env.FLASH_SECRET;
if (!secret) {
  if (process.env.NODE_ENV === "production") {
    fail(
      "FLASH_SECRET is not set. In production the flash cookies must be signed with a fixed secret: " +
        "set FLASH_SECRET to at least 32 random bytes, e.g. FLASH_SECRET=$(openssl rand -base64 32)",
    );
  }
  secret = randomBytes(32).toString("base64url");
  console.warn(
    "flashkit demo: warning: FLASH_SECRET is not set, so a random secret was made for this process; " +
      "pending messages and logins will not survive a restart. Set FLASH_SECRET (32+ random bytes) to keep them.",
  );
}

/** @type {import("flashkit").FlashStore | undefined} */
let store;
/** @type {{ quit(): Promise<unknown> } | undefined} */
let redisClient;
if (process.env.REDIS_URL) {
  let Redis;
  try {
    ({ Redis } = await import("ioredis"));
  } catch {
    fail("REDIS_URL is set, so the demo needs the ioredis package: npm install ioredis");
  }
  const { redisStore } = await import("flashkit/redis");
  const client = new Redis(process.env.REDIS_URL);
  redisClient = client;
  try {
    store = redisStore({ client, secret });
  } catch (error) {
    if (error instanceof FlashError) fail(error.message);
    throw error;
  }
  const where = new URL(process.env.REDIS_URL);
  if (where.password) where.password = "***";
  console.log(`flashkit demo: flash messages are kept in Redis at ${where}`);
}

let app;
try {
  app = createDemoApp({ secret, store });
} catch (error) {
  if (error instanceof FlashError) fail(error.message);
  throw error;
}

const server = createServer(app);
server.on("error", (error) => fail(`cannot listen on ${host}:${port}: ${error.message}`));
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  console.log(`flashkit demo running at http://${shown}:${actual}/`);
});

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    server.close(() => {
      if (!redisClient) process.exit(0);
      redisClient.quit().then(
        () => process.exit(0),
        () => process.exit(0),
      );
    });
    server.closeAllConnections();
  });
}
