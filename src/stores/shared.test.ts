import { describe, expect, it } from "vitest";
import { serializeSetCookie } from "../core/cookies.js";
import { type MessageCookieOptions, resolveMessageCookies } from "./shared.js";

describe("resolveMessageCookies: setHeader / deleteHeader", () => {
  const optionSets: MessageCookieOptions[] = [
    {},
    { prefix: "__Host-flash.", secure: true },
    { prefix: "app_flash-", path: "/app", domain: "example.com", sameSite: "Strict", maxAge: 600.9 },
    { secure: true, sameSite: "None" },
  ];

  it.each(optionSets)("builds exactly what serializeSetCookie builds (%o)", (options) => {
    const cookies = resolveMessageCookies(options);
    const id = "0m3x1k2v9a0b1c2d3e";
    const value = "WyJzdWNjZXNzIiwiU2F2ZWQiXQ.AbC-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
    expect(cookies.setHeader(id, value)).toBe(serializeSetCookie(cookies.prefix + id, value, cookies.attributes));
    expect(cookies.deleteHeader(id)).toBe(
      serializeSetCookie(cookies.prefix + id, "", { ...cookies.attributes, maxAge: 0, priority: undefined }),
    );
    expect(cookies.deleteHeader(id)).toContain("; Max-Age=0");
    expect(cookies.setHeader(id, value)).toMatch(/; Priority=Low$/);
  });
});
