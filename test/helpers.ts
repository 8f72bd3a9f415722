/**
 * A tiny browser stand-in for unit tests: a cookie map that sends a `Cookie` header and applies
 * `Set-Cookie` headers the way a browser does (Max-Age=0 deletes).
 */
import type { FlashRequest } from "../src/index.js";

export class CookieMap {
  readonly cookies = new Map<string, string>();

  get header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  apply(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair = "", ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const deleted = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (deleted) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }
}

/** A FlashRequest over a cookie header, recording the Set-Cookie headers it gets. */
export function fakeRequest(cookieHeader?: string): FlashRequest & { setCookies: string[] } {
  const setCookies: string[] = [];
  return {
    cookieHeader,
    setCookies,
    appendSetCookie(header) {
      setCookies.push(header);
    },
  };
}

export const SECRET = "test-secret-0123456789-0123456789-abcdef";
