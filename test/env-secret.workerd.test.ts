/**
 * Inside workerd: the Worker of scripts/workerd/worker.ts runs without `process` and without `node:`
 * modules, and the Fetch and Hono adapters find the secret in the FLASH_SECRET binding, or fail the
 * request with ERR_FLASH_CONFIG when there is none, at the compatibility date the tests use and at
 * workerd's newest, where `nodejs_compat` is on by default (and with `no_nodejs_compat`).
 */
import { afterAll, describe, expect, it } from "vitest";
import { bundleWorker, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, type WorkerdServer } from "../scripts/workerd/serve.js";
import { createBrowserClient } from "../src/testing/browser-client.js";
import { HAS_WORKERD, startWorker } from "./workerd.js";

const post = (browser: ReturnType<typeof createBrowserClient>, ops: unknown[]) =>
  browser.fetch("/do", { method: "POST", body: JSON.stringify({ ops }) });

describe.skipIf(!HAS_WORKERD)("the secret inside workerd", () => {
  const servers: WorkerdServer[] = [];
  afterAll(() => Promise.all(servers.splice(0).map((server) => server.close())));
  const start = async (options: Parameters<typeof startWorker>[0]) => {
    const server = await startWorker(options);
    servers.push(server);
    return server;
  };

  it("bundles with Web Crypto and no node: import, and runs with no compatibility flag, so without process", async () => {
    const code = await bundleWorker();
    expect(code).toContain("crypto.subtle.importKey");
    expect(code).not.toContain("createHmac");
    expect(code).not.toMatch(/(?:from|import|require)\s*\(?\s*["'](?:node:|fs|path|crypto|http|buffer)["'/]/);
    expect(COMPATIBILITY_FLAGS).toEqual([]);
    expect(COMPATIBILITY_DATE < "2026-08-04").toBe(true);
    const server = await start({});
    expect(await (await fetch(`${server.url}/runtime`)).json()).toEqual({
      process: "undefined",
      userAgent: "Cloudflare-Workers",
    });
  });

  describe.each([
    ["no compatibility flag", undefined, undefined, "undefined"],
    ["workerd's newest date (nodejs_compat by default)", "2026-11-23", [], "object"],
    ["workerd's newest date with no_nodejs_compat", "2026-11-23", ["no_nodejs_compat"], "object"],
  ] as const)("at %s", (_label, compatibilityDate, compatibilityFlags, hasProcess) => {
    const dated = { ...(compatibilityDate ? { compatibilityDate, compatibilityFlags } : {}) };

    it.each(["fetch", "hono"] as const)("%s signs with the FLASH_SECRET binding", async (adapter) => {
      const server = await start({ adapter, ...dated });
      expect(((await (await fetch(`${server.url}/runtime`)).json()) as { process: string }).process).toBe(hasProcess);
      const browser = createBrowserClient(server.url);
      expect(await (await post(browser, [{ op: "flash", message: "Saved", category: "success" }])).json()).toEqual({
        results: [null],
      });
      expect(await (await post(browser, [{ op: "get", with_categories: true }])).json()).toEqual({
        results: [[["success", "Saved"]]],
      });
      expect(browser.cookies()).toEqual([]);
    });

    it.each(["fetch", "hono"] as const)("%s fails a request with ERR_FLASH_CONFIG without it", async (adapter) => {
      const server = await start({ adapter, secret: null, ...dated });
      const response = await fetch(`${server.url}/do`, {
        method: "POST",
        body: '{"ops":[{"op":"flash","message":"x"}]}',
      });
      expect(response.status).toBe(500);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.json()).toEqual({
        code: "ERR_FLASH_CONFIG",
        error: expect.stringContaining(`flashkit/${adapter} found no secret`),
      });
      expect(server.output()).not.toContain("a random one was made");
    });
  });
});
