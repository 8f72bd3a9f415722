import { describe, expect, it } from "vitest";
import { flashIdTime, isFlashId, nextFlashId } from "./ids.js";

describe("nextFlashId", () => {
  it("mints ids of the documented shape, strictly increasing, stamped with the time in microseconds", () => {
    const before = Date.now();
    const ids = Array.from({ length: 2000 }, () => nextFlashId());
    const after = Date.now();
    for (const id of ids) expect(isFlashId(id)).toBe(true);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(flashIdTime(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(flashIdTime(ids.at(-1)!)).toBeLessThanOrEqual(after + 1);
  });

  it("writes the stamp as toString(36) would, across the split into two halves", () => {
    const base = Date.now() * 1000 + 10_000_000;
    const wrap = Math.ceil(base / 36 ** 5) * 36 ** 5; // where the low half rolls over
    const stamps = [base, wrap - 2, wrap - 1, wrap, 36 ** 10 - 1, 36 ** 10, 2 ** 53 - 2];
    for (let i = 0; i < 200; i++) stamps.push(base + Math.floor(Math.random() * (2 ** 53 - 2 - base)));
    for (const stamp of stamps.sort((a, b) => a - b)) {
      const held = `${stamp.toString(36).padStart(11, "0")}000000`;
      const id = nextFlashId(held);
      expect(id.slice(0, 11)).toBe((stamp + 1).toString(36).padStart(11, "0"));
      expect(id > held).toBe(true);
    }
  });

  it("keeps the shape, and a stamp no lower, after a held id past 2^53 (no longer an exact integer)", () => {
    const held = `${(2 ** 53 + 2).toString(36).padStart(11, "0")}ffffff`;
    const id = nextFlashId(held);
    expect(isFlashId(id)).toBe(true);
    expect(id.slice(0, 11) >= held.slice(0, 11)).toBe(true);
  });

  it("orders one id after a held id stamped in the future, without moving the process's clock", () => {
    const held = `${((Date.now() + 86_400_000) * 1000).toString(36).padStart(11, "0")}abcdef`;
    const ordered = nextFlashId(held);
    expect(ordered > held).toBe(true);
    const before = Date.now();
    const next = nextFlashId();
    expect(flashIdTime(next)).toBeGreaterThanOrEqual(before);
    expect(flashIdTime(next)).toBeLessThanOrEqual(Date.now());
    expect(nextFlashId() > next).toBe(true);
  });
});
