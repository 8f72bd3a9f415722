import { describe, expect, it } from "vitest";
import { readPrefixedCookies, serializeSetCookie } from "./cookies.js";

describe("readPrefixedCookies", () => {
  it("picks only cookies whose names start with the prefix", () => {
    expect(readPrefixedCookies("a=1; flash.x=2;flash.y=3 ; xflash.z=4; b=flash.w=5; flash.q", "flash.", 10)).toEqual([
      ["flash.x", "2"],
      ["flash.y", "3"],
    ]);
  });

  it("keeps duplicates in header order and stops at the limit", () => {
    expect(readPrefixedCookies("flash.a=1; flash.a=2; flash.b=3", "flash.", 2)).toEqual([
      ["flash.a", "1"],
      ["flash.a", "2"],
    ]);
  });

  it("finds nothing in a header without the prefix", () => {
    expect(readPrefixedCookies("session=abc; theme=dark", "flash.", 10)).toEqual([]);
  });
});

describe("serializeSetCookie", () => {
  it("writes the attributes in a fixed order", () => {
    expect(
      serializeSetCookie("flash.a", "v", {
        maxAge: 0,
        domain: "example.com",
        path: "/",
        httpOnly: true,
        secure: true,
        sameSite: "Strict",
        partitioned: true,
      }),
    ).toBe("flash.a=v; Max-Age=0; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Strict; Partitioned");
  });

  it("refuses names and values that would break the header", () => {
    expect(() => serializeSetCookie("a b", "v", {})).toThrowError(TypeError);
    expect(() => serializeSetCookie("a", "v;x", {})).toThrowError(TypeError);
    expect(() => serializeSetCookie("a", 'v"', {})).toThrowError(TypeError);
  });
});
