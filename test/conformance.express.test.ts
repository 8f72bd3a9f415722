/**
 * Flask conformance of the Express adapter (4 and 5) with the cookie and memory stores; the suite
 * itself is in conformance-suite.ts.
 */
import { expect, it } from "vitest";
import { createConformanceApp } from "../src/testing/index.js";
import { describeConformance, expected, scenarios } from "./conformance-suite.js";

const express4: unknown = (await import("express4" as string)).default;
const variants = [
  ["express 5 + cookie store", { adapter: "express", store: "cookie" }],
  ["express 5 + memory store", { adapter: "express", store: "memory" }],
  ["express 4 + cookie store", { adapter: "express", store: "cookie", framework: express4 }],
  ["express 4 + memory store", { adapter: "express", store: "memory", framework: express4 }],
] as const;

it("has the 48 public scenarios and Flask's transcript of them", () => {
  expect(scenarios).toHaveLength(48);
  expect(expected.map((s) => s.name)).toEqual(scenarios.map((s) => s.name));
});

for (const [label, options] of variants) describeConformance(label, options);

it("rejects an unknown adapter or store by name", async () => {
  await expect(createConformanceApp({ adapter: "nope" as "express" })).rejects.toThrow(/unknown adapter "nope"/);
  await expect(createConformanceApp({ adapter: "express", store: "nope" as "memory" })).rejects.toThrow(
    /unknown store "nope": use one of /,
  );
});
