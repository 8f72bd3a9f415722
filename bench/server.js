#!/usr/bin/env node
// One bench app in its own process, so the load generator never shares its event loop:
//   node bench/server.js FRAMEWORK ROW     (REDIS_URL for the flashkit-redis row)
// Started by bench/http.js through child_process.fork: sends { url } once listening, stops on
// "stop" (or when the parent goes away).
import { startBenchApp } from "./apps.js";

const [framework, row] = process.argv.slice(2);
const server = await startBenchApp(framework, row, { redisUrl: process.env.REDIS_URL });

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("message", (message) => {
  if (message === "stop") stop();
  else if (message === "cpu") {
    const usage = process.cpuUsage();
    process.send({ cpu: usage.user + usage.system, user: usage.user });
  }
});
process.on("disconnect", stop);
process.on("SIGTERM", stop);
if (process.send) process.send({ url: server.url });
else console.log(server.url);
