/**
 * The module's set-up, over a stand-in for the `Nuxt` object: the files it writes into the build, the
 * Nitro handlers and plugin, the Vue plugin, auto-import and component it registers, and its refusals.
 * The module at work in a built app: test/browser/nuxt.test.ts, test/conformance.nuxt.test.ts.
 */
import { describe, expect, it } from "vitest";
import flashkitNuxt, { type NuxtFlashOptions, type NuxtLike } from "./nuxt.js";

interface Template {
  filename: string;
  write: boolean;
  getContents(): string;
}

/** A stand-in for Nuxt: its options, and the hooks registered, called with `hookArgs`. */
function setUp(inline: NuxtFlashOptions = {}, config: Record<string, unknown> = {}) {
  const hooks = new Map<string, (...args: never[]) => unknown>();
  const nuxt: NuxtLike = {
    options: {
      rootDir: "/app",
      buildDir: "/app/.nuxt",
      alias: { "~~": "/app", "@@": "/app" },
      plugins: [],
      build: { templates: [] },
      runtimeConfig: { public: {} },
      ...config,
    },
    hook: (name, handler) => hooks.set(name, handler),
  };
  flashkitNuxt(inline, nuxt);
  const templates = nuxt.options.build.templates as Template[];
  const file = (name: string) => templates.find((template) => template.filename === `flashkit/${name}`)!.getContents();
  const nitro: { handlers?: { route?: string; middleware?: boolean; handler: string }[]; plugins?: string[] } = {};
  (hooks.get("nitro:config") as (config: unknown) => void)(nitro);
  return { nuxt, hooks, templates, file, nitro };
}

describe("flashkit/nuxt module", () => {
  it("describes itself to Nuxt: its name, config key and the Nuxt versions it supports", async () => {
    expect(await flashkitNuxt.getMeta()).toEqual({
      name: "flashkit",
      configKey: "flashkit",
      compatibility: { nuxt: ">=4.0.0" },
    });
  });

  it("installs the middleware first, the endpoint and the start-up check in Nitro", () => {
    const { nitro, templates } = setUp();
    expect(templates.map((template) => template.filename).sort()).toEqual([
      "flashkit/check.mjs",
      "flashkit/endpoint.mjs",
      "flashkit/middleware.mjs",
      "flashkit/server.mjs",
    ]);
    expect(templates.every((template) => template.write)).toBe(true);
    expect(nitro.handlers?.[0]).toEqual({ middleware: true, handler: "/app/.nuxt/flashkit/middleware.mjs" });
    expect(nitro.handlers?.at(-1)).toEqual({
      route: "/_flashkit/messages",
      method: "get",
      handler: "/app/.nuxt/flashkit/endpoint.mjs",
    });
    expect(nitro.plugins).toEqual(["/app/.nuxt/flashkit/check.mjs"]);
  });

  it("writes the options into the build and imports flashkit/h3 by its package name", () => {
    const { file } = setUp({ cookie: { secure: true } }, { flashkit: { maxMessages: 5 } });
    const server = file("server.mjs");
    expect(server).toContain('import { createH3Flash } from "flashkit/h3";');
    expect(server).toContain('const options = {"cookie":{"secure":true},"maxMessages":5};');
    expect(file("check.mjs")).toContain("if (!import.meta.prerender) flashkit();");
  });

  it("imports an `instance` file, with Nuxt's aliases resolved", () => {
    const { file } = setUp({ instance: "~~/server/flash.ts" });
    expect(file("server.mjs")).toContain('import made from "/app/server/flash.ts";');
    expect(setUp({ instance: "server/flash.ts" }).file("server.mjs")).toContain('from "/app/server/flash.ts"');
  });

  it("registers the browser plugin, the useFlash auto-import and <FlashMessages>", () => {
    const { nuxt, hooks } = setUp({ endpoint: "/api/_flash" });
    expect(nuxt.options.plugins).toEqual([
      { src: expect.stringMatching(/adapters[\\/]nuxt-runtime[\\/]plugin\.client\.js$/), mode: "client" },
    ]);
    expect(nuxt.options.runtimeConfig.public.flashkit).toEqual({ endpoint: "/api/_flash" });
    const imports: { name: string; from: string }[] = [];
    (hooks.get("imports:extend") as (list: unknown) => void)(imports);
    expect(imports).toEqual([
      { name: "useFlash", as: "useFlash", from: expect.stringMatching(/nuxt-runtime[\\/]use-flash\.js$/) },
    ]);
    const components: { pascalName?: string; filePath?: string }[] = [];
    (hooks.get("components:extend") as (list: unknown) => void)(components);
    expect(components).toEqual([
      expect.objectContaining({ pascalName: "FlashMessages", export: "FlashMessages", mode: "all" }),
    ]);
    expect(setUp({ component: false }).hooks.has("components:extend")).toBe(false);
  });

  it("refuses options of the wrong type at build time, saying which", () => {
    expect(() => setUp({ endpoint: "_flash" })).toThrow(/`endpoint` must be a path starting with "\/"/);
    expect(() => setUp({ component: "yes" as never })).toThrow(TypeError);
    expect(() => setUp({ instance: 1 as never })).toThrow(/`instance` must be the path/);
    expect(() => setUp({ instance: "~~/server/flash.ts", cookie: { secure: true } })).toThrow(
      /with `instance`, set `cookie` and the limits in that file/,
    );
    expect(() => flashkitNuxt(null as never, setUp().nuxt)).toThrow(/options must be an object/);
    expect(() => setUp({ secret: "s".repeat(40) } as never)).toThrow(/set FLASH_SECRET in the server's environment/);
    expect(() => setUp({}, { flashkit: { store: {} } })).toThrow(/give a store in an `instance` file/);
  });
});
