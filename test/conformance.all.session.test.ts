/**
 * Flask conformance of the session store: the 48 public Flask scenarios on Express (express-session
 * with its MemoryStore), on Fastify (@fastify/cookie + @fastify/session) and on Koa (koa-session,
 * signed cookie sessions), and flashkit/react-router's `sessionStorageStore()` over React Router's memory
 * session storage; the suite itself, and what it checks of cookies, is in session-conformance-suite.ts.
 */
import { createMemorySessionStorage } from "react-router";
import { expect, it } from "vitest";
import { sessionStorageStore } from "../src/adapters/react-router.js";
import { createConformanceApp } from "../src/testing/index.js";
import { describeSessionConformance } from "./session-conformance-suite.js";

describeSessionConformance("express 5 + session store (express-session)", { adapter: "express", store: "session" });
describeSessionConformance("fastify + session store (@fastify/session)", { adapter: "fastify", store: "session" });
describeSessionConformance("koa 3 + session store (koa-session)", { adapter: "koa", store: "session" });
describeSessionConformance("nest (Express platform) + session store (express-session)", {
  adapter: "nest",
  store: "session",
});
// A server-side session storage (its cookie holds the session's id): a cookie session storage cannot
// hold long_message's 3015 bytes of JSON in one 4096-byte cookie without Flask's compression.
describeSessionConformance("react-router + sessionStorageStore (createMemorySessionStorage)", {
  adapter: "react-router",
  store: sessionStorageStore(createMemorySessionStorage({ cookie: { name: "__flash" } })),
});
describeSessionConformance("react-router middleware + sessionStorageStore (createMemorySessionStorage)", {
  adapter: "react-router-middleware",
  store: sessionStorageStore(createMemorySessionStorage({ cookie: { name: "__flash" } })),
});

it("refuses the session store on an adapter whose conformance app has no session middleware", async () => {
  for (const adapter of ["hono", "fetch"] as const) {
    await expect(createConformanceApp({ adapter, store: "session" })).rejects.toThrow(
      /the session store needs a session middleware.*use express, fastify, koa/,
    );
  }
});
