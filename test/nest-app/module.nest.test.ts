/**
 * flashkit/nest driven through Nest's own testing module (`Test.createTestingModule`) and supertest,
 * on Nest's Express and Fastify platforms: `@Flash()`, `@Redirect()` (static and `{ url }`), `@Render()`,
 * a thrown HttpException after a flash, an exception filter that flashes and redirects, a guard and an
 * interceptor that flash, a global prefix, side requests, a forged cookie, `forRootAsync()` with
 * @nestjs/config's ConfigService, and a missing secret in production. The app (test/nest-app/app.ts) is
 * written with decorators; `tsc -p test/nest-app` type-checks it, typed categories included.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { INestApplication } from "@nestjs/common";
import { ConfigModule, ConfigService } from "@nestjs/config";
import { NestFactory } from "@nestjs/core";
import { Test } from "@nestjs/testing";
import request from "supertest";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FLASHKIT, FlashModule, flashOf } from "../../src/adapters/nest.js";
import { FlashError, sessionStore } from "../../src/index.js";
import { MiddlewareFlashModule, type Platform, startTestApp } from "./app.js";

const SECRET = "nest-module-test-secret-0123456789-0123456789";

it("the test app type-checks with decorators (tsc -p test/nest-app), a misspelt category included", async () => {
  const root = new URL("../../", import.meta.url);
  const tsc = fileURLToPath(new URL("node_modules/.bin/tsc", root));
  await promisify(execFile)(tsc, ["-p", fileURLToPath(new URL("test/nest-app/tsconfig.json", root)), "--noEmit"]);
}, 60_000);

describe.each(["express", "fastify"] as const)("flashkit/nest on Nest's %s platform", (platform: Platform) => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async (options: Partial<Parameters<typeof startTestApp>[1]> = {}) => {
    app = await startTestApp(platform, { imports: [FlashModule.forRoot({ secret: SECRET })], ...options });
    return request.agent(app.getHttpServer());
  };

  it("@Flash() flashes, a static @Redirect() sends the browser on, the next request reads the message once", async () => {
    const agent = await start();
    const posted = await agent.post("/flash").send({ message: "Profile updated successfully!" });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe("/read");
    expect(posted.headers["set-cookie"]).toEqual([expect.stringMatching(/^flash\.[^=]+=.+HttpOnly/)]);
    expect((await agent.get("/read")).body).toEqual({ messages: [["success", "Profile updated successfully!"]] });
    expect((await agent.get("/read")).body).toEqual({ messages: [] });
  });

  it("keeps several messages in order", async () => {
    const agent = await start();
    await agent.post("/flash-twice");
    expect((await agent.get("/read")).body).toEqual({
      messages: [
        ["info", "First"],
        ["success", "Second"],
      ],
    });
  });

  it("a dynamic @Redirect() (returning { url, statusCode }) keeps the message", async () => {
    const agent = await start();
    const posted = await agent.post("/flash-dynamic");
    expect(posted.status).toBe(302);
    expect(posted.headers.location).toBe("/read?from=dynamic");
    expect((await agent.get("/read")).body).toEqual({ messages: [["info", "Sent elsewhere"]] });
  });

  it("@Render() views get get_flashed_messages(), with flash.now() and what the last request flashed", async () => {
    const agent = await start();
    await agent.post("/flash").send({ message: "Saved <b>", category: "success" });
    const page = await agent.get("/page");
    expect(page.status).toBe(200);
    expect(page.text).toBe("[success] Saved &lt;b&gt;\n[info] Shown now\n");
    expect((await agent.get("/page")).text).toBe("[info] Shown now\n");
  });

  it("a thrown HttpException after a flash: Nest's error response, and the message waits for the next page", async () => {
    const agent = await start();
    const thrown = await agent.post("/throw");
    expect(thrown.status).toBe(400);
    expect(thrown.body).toMatchObject({ statusCode: 400, message: "Bad input" });
    expect((await agent.get("/read")).body).toEqual({ messages: [["error", "Before the error"]] });
  });

  it("an exception filter flashes the error and redirects back through the HTTP adapter", async () => {
    const agent = await start();
    const posted = await agent.post("/profile");
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe("/read");
    expect((await agent.get("/read")).body).toEqual({ messages: [["error", "Name is required"]] });
  });

  it("a guard that refuses can flash why; an interceptor can flash after the handler", async () => {
    const agent = await start();
    expect((await agent.get("/members")).status).toBe(403);
    expect((await agent.post("/audited")).status).toBe(204);
    expect((await agent.get("/read")).body).toEqual({
      messages: [
        ["error", "Please log in first"],
        ["success", "Handled"],
        ["info", "Audited"],
      ],
    });
  });

  it("works under a global prefix", async () => {
    const agent = await start({ prefix: "api" });
    expect((await agent.post("/api/flash")).headers.location).toBe("/read");
    expect((await agent.get("/api/read")).body).toEqual({ messages: [["success", "Saved"]] });
    expect((await agent.get("/read")).status).toBe(404);
  });

  it("a prefetch or a HEAD request peeks: the messages stay for the page", async () => {
    const agent = await start();
    await agent.post("/flash");
    const prefetch = await agent.get("/read").set("Sec-Purpose", "prefetch");
    expect(prefetch.body).toEqual({ messages: [["success", "Saved"]] });
    expect(prefetch.headers["set-cookie"]).toBeUndefined();
    expect((await agent.head("/read")).status).toBe(200);
    expect((await agent.get("/read")).body).toEqual({ messages: [["success", "Saved"]] });
  });

  it("a forged or broken flash cookie reads as no message, never an error", async () => {
    const agent = await start();
    const forged = await agent
      .get("/read")
      .set("Cookie", "flash.0123456789abcdef=eyJmb3JnZWQiOnRydWV9.AAAA; flash.x=%%%");
    expect(forged.status).toBe(200);
    expect(forged.body).toEqual({ messages: [] });
  });

  it("forRootAsync() takes the secret from @nestjs/config's ConfigService", async () => {
    app = await startTestApp(platform, {
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ FLASH_SECRET: SECRET })] }),
        FlashModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ secret: config.getOrThrow<string>("FLASH_SECRET") }),
        }),
      ],
    });
    const agent = request.agent(app.getHttpServer());
    await agent.post("/flash");
    expect((await agent.get("/read")).body).toEqual({ messages: [["success", "Saved"]] });
    expect(app.get(FLASHKIT).store).toBeDefined();
  });

  it("refuses FlashModule imported twice, at start-up, saying to import it once", async () => {
    const twice = startTestApp(platform, {
      imports: [FlashModule.forRoot({ secret: SECRET }), FlashModule.forRoot({ secret: SECRET })],
    });
    await expect(twice).rejects.toMatchObject({ code: "ERR_FLASH_CONFIG", message: /imported more than once/ });
  });
});

describe("flashkit/nest on the Express platform only", () => {
  it("the app's own Nest middleware (consumer.apply()) runs after flashkit's, and can flash", async () => {
    const app = await startTestApp("express", { imports: [MiddlewareFlashModule] });
    try {
      const read = await request(app.getHttpServer()).get("/read");
      expect(read.body).toEqual({ messages: [["info", "From Nest middleware"]] });
    } finally {
      await app.close();
    }
  });

  it("keeps the messages in the session with sessionStore()", async () => {
    const session = (await import("express-session")).default;
    const app = await startTestApp("express", {
      imports: [FlashModule.forRoot({ store: sessionStore() })],
      before: (nest) => nest.use(session({ secret: SECRET, resave: false, saveUninitialized: false })),
    });
    try {
      const agent = request.agent(app.getHttpServer());
      const posted = await agent.post("/flash");
      expect(posted.headers["set-cookie"]).toEqual([expect.stringMatching(/^connect\.sid=/)]);
      expect((await agent.get("/read")).body).toEqual({ messages: [["success", "Saved"]] });
      expect((await agent.get("/read")).body).toEqual({ messages: [] });
    } finally {
      await app.close();
    }
  });
});

describe("flashkit/nest misconfigured", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("with NODE_ENV=production and no FLASH_SECRET, start-up fails saying what to set", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("FLASH_SECRET", "");
    const compiling = Test.createTestingModule({ imports: [FlashModule.forRoot()] }).compile();
    await expect(compiling).rejects.toThrow(FlashError);
    await expect(compiling).rejects.toMatchObject({ code: "ERR_FLASH_CONFIG", message: /FLASH_SECRET/ });
    class AppModule {}
    const { Module } = await import("@nestjs/common");
    Module({ imports: [FlashModule.forRoot()] })(AppModule);
    await expect(NestFactory.create(AppModule, { logger: false, abortOnError: false })).rejects.toMatchObject({
      code: "ERR_FLASH_CONFIG",
    });
  });

  it("with FLASH_SECRET set, forRoot() with no options signs with it", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("FLASH_SECRET", SECRET);
    const app = await startTestApp("express", { imports: [FlashModule.forRoot()] });
    try {
      const agent = request.agent(app.getHttpServer());
      await agent.post("/flash");
      expect((await agent.get("/read")).body).toEqual({ messages: [["success", "Saved"]] });
    } finally {
      await app.close();
    }
  });

  it("@Flash() on a request flashkit did not open, and forRootAsync() without a factory, say what to do", () => {
    expect(() => flashOf({})).toThrow(/import FlashModule.forRoot\(\)/);
    expect(() => FlashModule.forRootAsync({} as never)).toThrow(TypeError);
  });
});
