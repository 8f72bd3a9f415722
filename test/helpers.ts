/**
 * Small shared pieces of the unit tests: a fake request over a `Cookie` header, a fake browser (the
 * one cookie jar of src/testing, keeping stale cookies so a test can send them), a secret, and the
 * list of servers a test file closes after each test.
 */
import { afterEach } from "vitest";
import type { FlashRequest } from "../src/index.js";
import { type CookieJar, createCookieJar } from "../src/testing/cookie-jar.js";

/**
 * A browser's cookie jar for store tests: it applies `Set-Cookie` as a browser does, but never drops a
 * cookie by time (only a `Set-Cookie` deletes one), so the server's own expiry is what a test checks.
 */
export function testJar(): CookieJar {
  return createCookieJar({ expire: false });
}

/** The cookies of `jar` as `[name, value]` pairs, in the order it holds them. */
export function pairsOf(jar: CookieJar): Array<[string, string]> {
  return jar.cookies().map(({ name, value }) => [name, value]);
}

/** A FlashRequest over a cookie header (`""` is no header), recording the Set-Cookie headers it gets. */
export function fakeRequest(cookieHeader?: string): FlashRequest & { setCookies: string[] } {
  const setCookies: string[] = [];
  return {
    cookieHeader: cookieHeader || undefined,
    setCookies,
    appendSetCookie(header) {
      setCookies.push(header);
    },
  };
}

export const SECRET = "test-secret-0123456789-0123456789-abcdef";

/**
 * A list of the servers (or Fastify apps) a test file starts: push each one, and every one is closed,
 * and the list emptied, after each test.
 */
export function closedAfterEach<T extends { close(): unknown }>(): T[] {
  const servers: T[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return servers;
}
