/**
 * Secrets at the adapter level (the cookie store's own checks are in src/stores/cookie.test.ts):
 * rotation across a redeploy with one browser (an old cookie still reads after rotating to
 * `[new, old]`, new cookies are signed with the new secret, the old cookie is ignored once the old
 * secret is dropped), and start-up refusal of a short or missing secret with a message that says
 * what to set.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";
import { afterEach, describe, expect, it, vi } from "vitest";
import { flash } from "../src/adapters/express.js";
import { FlashError, type FlashSecret } from "../src/index.js";
import { cookieStore } from "../src/stores/cookie.js";
import { createBrowserClient, type StartedServer, startServer } from "../src/testing/index.js";
import { mac } from "./fuzz-cookies-kit.js";

const OLD = "old-secret-0123456789-0123456789-abcdef";
const NEW = "new-secret-0123456789-0123456789-abcdef";

const servers: StartedServer[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** One app whose flash middleware can be swapped, as a redeploy with new settings would. */
async function deployable(secret: FlashSecret | readonly FlashSecret[]) {
  let middleware = flash({ secret });
  const errors: unknown[] = [];
  const app = express();
  app.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => middleware(req, res, next));
  app.get("/flash", (req, res) => {
    req.flash(String(req.query.m), "info");
    res.send("ok");
  });
  app.get("/read", (req, res) => {
    res.json(req.getFlashedMessages({ withCategories: true }));
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    errors.push(error);
    res.status(500).end();
  });
  const server = await startServer(app);
  servers.push(server);
  return {
    browser: createBrowserClient(server.url),
    errors,
    redeploy(next: FlashSecret | readonly FlashSecret[]) {
      middleware = flash({ secret: next });
    },
  };
}

describe("secret rotation through the Express adapter", () => {
  /** Whether the browser's flash cookie `name=payload.tag` carries the tag of `secret`. */
  function signedWith(cookie: { name: string; value: string }, secret: string): boolean {
    const dot = cookie.value.lastIndexOf(".");
    return cookie.value.slice(dot + 1) === mac(secret, cookie.name, cookie.value.slice(0, dot));
  }

  it("reads the old secret's cookies after rotating to [new, old], and signs new ones with the new secret", async () => {
    const app = await deployable(OLD);
    await app.browser.fetch("/flash?m=before%20rotation");
    const [before] = app.browser.cookies();
    expect(before && signedWith(before, OLD)).toBe(true);

    app.redeploy([NEW, OLD]);
    await app.browser.fetch("/flash?m=after%20rotation");
    const after = app.browser.cookies().find((cookie) => cookie.name !== before?.name);
    expect(after && signedWith(after, NEW)).toBe(true);
    expect(after && signedWith(after, OLD)).toBe(false);

    const read = await app.browser.fetch("/read");
    expect(await read.json()).toEqual([
      ["info", "before rotation"],
      ["info", "after rotation"],
    ]);
    expect(app.browser.cookies()).toEqual([]);
    expect(app.errors).toEqual([]);
  });

  it("ignores the old secret's cookies once it is dropped: no message, no error", async () => {
    const app = await deployable([NEW, OLD]);
    app.redeploy(OLD);
    await app.browser.fetch("/flash?m=old");
    app.redeploy([NEW, OLD]);
    await app.browser.fetch("/flash?m=new");
    app.redeploy(NEW);
    const read = await app.browser.fetch("/read");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual([["info", "new"]]);
    // The unreadable cookie is left alone, not consumed; it goes when the browser session ends.
    expect(app.browser.cookies().map((cookie) => signedWith(cookie, OLD))).toEqual([true]);
    expect(app.errors).toEqual([]);
  });
});

describe("a secret given as bytes", () => {
  it("works end to end on Express: a Buffer or Uint8Array of 32 bytes signs, and a cookie it signed reads back", async () => {
    for (const secret of [Buffer.alloc(32, 1), new Uint8Array(40).fill(0xc3), [Buffer.alloc(32, 2), NEW]]) {
      const { browser, errors } = await deployable(secret);
      expect((await browser.fetch("/flash?m=signed%20with%20bytes")).status).toBe(200);
      const read = await browser.fetch("/read");
      expect(await read.json()).toEqual([["info", "signed with bytes"]]);
      expect(browser.cookies()).toEqual([]);
      expect(errors).toEqual([]);
    }
  });
});

describe("start-up refusal of a secret that cannot work", () => {
  const refusal = (pattern: RegExp) =>
    expect.objectContaining({ name: "FlashError", code: "ERR_FLASH_CONFIG", message: expect.stringMatching(pattern) });

  it("refuses a secret shorter than 32 bytes when the middleware is created, saying what to set", () => {
    for (const secret of ["short", "", "x".repeat(31), "é".repeat(15)]) {
      expect(() => flash({ secret })).toThrowError(
        refusal(/shorter than 32 bytes: set `secret` to at least 32 random bytes/),
      );
      expect(() => cookieStore({ secret })).toThrowError(FlashError);
    }
    expect(() => flash({ secret: [NEW, "short"] })).toThrowError(refusal(/secret #2 is shorter than 32 bytes/));
    expect(() => flash({ secret: [NEW, undefined as unknown as string] })).toThrowError(refusal(/#2/));
    expect(() => flash({ secret: "openssl rand -base64 32".padEnd(32, "=") })).not.toThrow();
    // Bytes, not characters: 16 two-byte characters are 32 bytes.
    expect(() => flash({ secret: "é".repeat(16) })).not.toThrow();
  });

  it("refuses a secret that is not text or bytes (null, a number, an object, a nested list), saying what to set", () => {
    for (const env of ["development", "production"]) {
      vi.stubEnv("NODE_ENV", env);
      for (const secret of [null, 42, true, {}, new Uint16Array(32), [[NEW]], [NEW, null]]) {
        expect(() => flash({ secret: secret as never }), `${env}: ${String(secret)}`).toThrowError(
          refusal(/must be a string or bytes \(a Buffer or Uint8Array\) of at least 32 bytes, got .*: set `secret`/),
        );
      }
      expect(() => flash({ secret: null as never })).toThrowError(/got null/);
      expect(() => flash({ secret: 42 as never })).toThrowError(/got a number/);
      expect(() => flash({ secret: [NEW, null as never] })).toThrowError(/secret #2 must be/);
      expect(() => flash({ secret: Buffer.alloc(31) })).toThrowError(refusal(/shorter than 32 bytes/));
    }
  });

  it("refuses an explicitly empty list in every environment, instead of making a random secret", () => {
    for (const env of ["development", "test", "production"]) {
      vi.stubEnv("NODE_ENV", env);
      const logger = { debug: vi.fn(), warn: vi.fn() };
      expect(() => flash({ secret: [], logger })).toThrowError(
        refusal(/`secret` is an empty list: give at least one secret.*FLASH_SECRET/),
      );
      expect(() => cookieStore({ secret: [], logger })).toThrowError(FlashError);
      expect(logger.warn).not.toHaveBeenCalled();
    }
  });

  it("refuses a missing secret in production, naming the setting and how to make one", () => {
    vi.stubEnv("NODE_ENV", "production");
    const message =
      /needs a secret in production: set `secret`.*FLASH_SECRET.*at least 32 random bytes.*openssl rand -base64 32/;
    expect(() => flash()).toThrowError(refusal(message));
    expect(() => flash({ secret: process.env.FLASH_SECRET_THAT_IS_NOT_SET })).toThrowError(refusal(message));
    expect(() => flash({ cookie: { secure: true } })).toThrowError(refusal(message));
    expect(() => flash({ secret: NEW })).not.toThrow();
  });

  it("outside production, makes a random secret and warns that messages will not survive a restart", () => {
    vi.stubEnv("NODE_ENV", "development");
    const logger = { debug: vi.fn(), warn: vi.fn() };
    expect(() => flash({ logger })).not.toThrow();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/no secret given.*Set `secret`/));
  });
});
