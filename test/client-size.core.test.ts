/**
 * The size of flashkit/client's browser scripts, min+gzip, built in memory with esbuild exactly
 * as scripts/build-client.js builds them. Budget: 3100 bytes (about 3 KB) for every script, the
 * one-theme scripts and the one with all four themes, classic and module alike.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CLIENT_BUDGET_BYTES as BUDGET } from "../bench/client-size.js";
import { bundleClient, clientScripts } from "../scripts/build-client.js";

describe("flashkit/client browser scripts", () => {
  it.each(clientScripts().map((script) => [script.file, script] as const))(
    "%s fits its budget",
    async (file, script) => {
      const code = await bundleClient(script);
      const size = gzipSync(code, { level: 9 }).length;
      console.log(`${file}: ${code.length} bytes minified, ${size} bytes min+gzip (budget ${BUDGET})`);
      expect(size).toBeLessThanOrEqual(BUDGET);
      expect(code).not.toMatch(/\brequire\(|\bimport\s*\(|process\.env/);
      if (script.format === "iife") expect(code).toMatch(/^\(\(\)=>\{/);
      else expect(code).toMatch(/export\{\w+ as Flash\};\s*$/);
    },
  );

  it("builds one script per theme, in both formats, and one with all themes", () => {
    const files = clientScripts().map((s) => s.file);
    expect(files).toHaveLength(10);
    expect(files.filter((f) => f.endsWith(".iife.min.js"))).toHaveLength(5);
    expect(clientScripts()[0]!.themes).toEqual(["bootstrap5", "bootstrap4", "tailwind", "plain"]);
  });
});
