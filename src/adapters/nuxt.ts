/**
 * flashkit/nuxt: the Nuxt 4 module. Added to `modules` in nuxt.config.ts, it installs flashkit/h3 in
 * Nitro (a server middleware that opens each request's jar, so server routes flash with
 * `flash(event, ...)` from flashkit/h3 and pages read what they flashed) and gives the Vue app
 * `useFlash()` (auto-imported) and a `<FlashMessages>` component (Bootstrap 5 markup by default).
 *
 * What a server render reads travels in Nuxt's payload: the browser hydrates it without a second
 * request and nothing is consumed twice. A client-side navigation asks the module's endpoint
 * (`GET /_flashkit/messages`) once the new page is in place; a prefetch (NuxtLink's, on visibility or
 * hover) loads code and prerendered payloads only, and a payload render (`/_payload.json`) reads no
 * message, so neither consumes anything.
 *
 * The module runs at build time in Node, and writes nothing but its options into the build: the
 * secret is `FLASH_SECRET` of the server's environment, read when the built server starts.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FlashOptions } from "../core/create-flash.js";
import type { CookieStoreOptions } from "../stores/cookie.js";

/**
 * Options of the module: `modules: [["flashkit/nuxt", options]]`, or the `flashkit` key of
 * nuxt.config.ts. Everything here is written into the build, so it holds no secret: the default
 * cookie store signs with `FLASH_SECRET` from the server's environment.
 *
 * @example
 * export default defineNuxtConfig({
 *   modules: ["flashkit/nuxt"],
 *   flashkit: { cookie: { secure: true }, theme: "bootstrap5" },
 * });
 */
export interface NuxtFlashOptions
  extends Pick<FlashOptions, "maxMessages" | "maxAddedMessages" | "consumeOnSideRequests"> {
  /**
   * Cookie settings of the default cookie store (`secure`, `sameSite`, `maxAge`, `prefix`, ...).
   * @default the cookie store's defaults (`HttpOnly`, `SameSite=Lax`, `Path=/`)
   * @example cookie: { secure: true }
   */
  cookie?: Omit<CookieStoreOptions, "secret" | "logger">;
  /**
   * A server file whose default export is `createH3Flash(options)` of flashkit/h3, for what the build
   * cannot hold (another store, a Redis client, a `secret` function): the middleware and the
   * endpoint use that instance. Relative to the project's root, or with Nuxt's aliases (`~~/`).
   * With it, `cookie` and the limits here are refused (set them in that file).
   * @default undefined (the signed-cookie store over `FLASH_SECRET`)
   * @example instance: "~~/server/flash.ts"
   */
  instance?: string;
  /**
   * The route the browser reads messages from after a client-side navigation (and on
   * `useFlash().refresh()`), under Nuxt's `app.baseURL`.
   * @default "/_flashkit/messages"
   */
  endpoint?: string;
  /**
   * Registers the `<FlashMessages>` component (the rendered container, started by flashkit/client).
   * `false` leaves only `useFlash()`, for apps that render messages themselves.
   * @default true
   */
  component?: boolean;
}

/** Where a Nuxt module gets Nuxt's state: the part of the `Nuxt` object flashkit/nuxt touches. */
export interface NuxtLike {
  readonly options: {
    readonly rootDir: string;
    readonly buildDir: string;
    readonly alias: Record<string, string>;
    plugins: unknown[];
    build: { templates: unknown[] };
    runtimeConfig: { public: Record<string, unknown> };
    readonly [key: string]: unknown;
  };
  hook(name: string, handler: (...args: never[]) => unknown): unknown;
}

/** The module's description for Nuxt (`getMeta()`), as `defineNuxtModule()` gives it. */
export interface NuxtFlashModuleMeta {
  readonly name: "flashkit";
  readonly configKey: "flashkit";
  readonly compatibility: { readonly nuxt: string };
}

/** flashkit's Nuxt module: a function of its options and the `Nuxt` object, with `getMeta()`. */
export interface NuxtFlashModule {
  (options: NuxtFlashOptions, nuxt: NuxtLike): void;
  /** Nuxt's module metadata: its name, the config key (`flashkit`) and the Nuxt versions it supports. */
  getMeta(): Promise<NuxtFlashModuleMeta>;
}

/** The limits a module option may set, passed through to the default instance. */
const LIMIT_KEYS = ["maxMessages", "maxAddedMessages", "consumeOnSideRequests"] as const;

/** This module's directory: the ES build's runtime files are beside it (the CommonJS build points there too). */
function runtimeDir(): string {
  const here = typeof __filename === "string" ? dirname(__filename) : dirname(fileURLToPath(import.meta.url));
  // dist/cjs/adapters -> dist/adapters: Vite and Nitro bundle the ES modules.
  const esm = /[\\/]cjs[\\/]adapters$/.test(here) ? join(here, "..", "..", "adapters") : here;
  return join(esm, "nuxt-runtime");
}

/** `options` checked: a wrong option type fails the build with a `TypeError` naming it. */
function checkOptions(options: NuxtFlashOptions): Required<Pick<NuxtFlashOptions, "endpoint" | "component">> {
  const { endpoint = "/_flashkit/messages", component = true, instance, cookie } = options;
  if ("secret" in options || "store" in options) {
    throw new TypeError(
      "flashkit/nuxt: the module's options are written into the build: set FLASH_SECRET in the server's " +
        "environment, and give a store in an `instance` file (createH3Flash({ store }))",
    );
  }
  if (typeof endpoint !== "string" || !endpoint.startsWith("/")) {
    throw new TypeError(`flashkit/nuxt: \`endpoint\` must be a path starting with "/", got ${String(endpoint)}`);
  }
  if (typeof component !== "boolean") throw new TypeError("flashkit/nuxt: `component` must be a boolean");
  if (instance !== undefined && typeof instance !== "string") {
    throw new TypeError("flashkit/nuxt: `instance` must be the path of a file exporting createH3Flash(...)");
  }
  if (instance !== undefined && (cookie !== undefined || LIMIT_KEYS.some((key) => options[key] !== undefined))) {
    throw new TypeError(
      "flashkit/nuxt: with `instance`, set `cookie` and the limits in that file's createH3Flash(options)",
    );
  }
  return { endpoint, component };
}

/** `path` with Nuxt's aliases (`~~/`, `@@/`) replaced and made absolute from the project's root. */
function resolvePath(path: string, nuxt: NuxtLike): string {
  for (const [alias, target] of Object.entries(nuxt.options.alias).sort(([a], [b]) => b.length - a.length)) {
    if (path === alias || path.startsWith(`${alias}/`)) return join(target, path.slice(alias.length));
  }
  return isAbsolute(path) ? path : resolve(nuxt.options.rootDir, path);
}

/**
 * The server files the module writes into `.nuxt/flashkit/`: they import `flashkit/h3` by its package
 * name, as the app's server routes do, so Nitro bundles one copy and both share each request's jar.
 */
function serverFiles(options: NuxtFlashOptions, nuxt: NuxtLike): Record<string, string> {
  const instance =
    options.instance === undefined
      ? [
          'import { createH3Flash } from "flashkit/h3";',
          `const options = ${JSON.stringify({
            ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
            ...Object.fromEntries(LIMIT_KEYS.filter((key) => options[key] !== undefined).map((k) => [k, options[k]])),
          })};`,
          "let made;",
          "/** The app's flashkit/h3 instance, made on first use (a build has no FLASH_SECRET). */",
          "export function flashkit() {",
          "  made ??= createH3Flash(options);",
          "  return made;",
          "}",
        ]
      : [
          `import made from ${JSON.stringify(resolvePath(options.instance, nuxt))};`,
          "/** The app's flashkit/h3 instance, from the module's `instance` file. */",
          "export function flashkit() {",
          "  return made;",
          "}",
        ];
  return {
    "server.mjs": [
      "// Generated by flashkit/nuxt: the server side of the module.",
      ...instance,
      "",
      "/** Opens the request's jar and keeps its flash function where the Vue app's server render reads it. */",
      "export async function openFlash(event) {",
      "  event.context.flashkit ??= await flashkit().useFlash(event);",
      "  return event.context.flashkit;",
      "}",
      "",
    ].join("\n"),
    "middleware.mjs": [
      "// Generated by flashkit/nuxt: opens each request's jar before the routes.",
      'import { openFlash } from "./server.mjs";',
      "async function flashkitMiddleware(event) {",
      "  await openFlash(event);",
      "}",
      "flashkitMiddleware.__is_handler__ = true;",
      "export default flashkitMiddleware;",
      "",
    ].join("\n"),
    "endpoint.mjs": [
      "// Generated by flashkit/nuxt: the messages of a client-side navigation (GET; a side request peeks).",
      'import { openFlash } from "./server.mjs";',
      "async function flashkitMessages(event) {",
      "  const flash = await openFlash(event);",
      '  event.node.res.setHeader("cache-control", "no-store");',
      "  return { messages: flash.getFlashedMessages({ withCategories: true }) };",
      "}",
      "flashkitMessages.__is_handler__ = true;",
      "export default flashkitMessages;",
      "",
    ].join("\n"),
    "check.mjs": [
      "// Generated by flashkit/nuxt: makes the instance when the server starts, so that a production",
      "// server without FLASH_SECRET stops there with a message saying what to set.",
      'import { flashkit } from "./server.mjs";',
      "export default function flashkitCheck() {",
      "  if (!import.meta.prerender) flashkit();",
      "}",
      "",
    ].join("\n"),
  };
}

/**
 * The Nuxt 4 module. Add it to `modules`; configure it under `flashkit` (see {@link NuxtFlashOptions}).
 * Server routes flash with flashkit/h3's helpers; pages and components read with `useFlash()` or
 * show `<FlashMessages />`.
 *
 * @throws {TypeError} at build time when an option has the wrong type.
 * @example
 * // nuxt.config.ts
 * export default defineNuxtConfig({ modules: ["flashkit/nuxt"] });
 *
 * // server/api/login.post.ts
 * import { flash } from "flashkit/h3";
 * export default defineEventHandler(async (event) => {
 *   await flash(event, "Invalid username or password", "error");
 *   return sendRedirect(event, "/login", 303);
 * });
 *
 * // app/app.vue: <FlashMessages /> <NuxtPage />
 */
const flashkitNuxt: NuxtFlashModule = Object.assign(
  function flashkitNuxt(inlineOptions: NuxtFlashOptions, nuxt: NuxtLike): void {
    for (const given of [inlineOptions, nuxt.options.flashkit ?? {}]) {
      if (typeof given !== "object" || given === null) {
        throw new TypeError("flashkit/nuxt: the module's options must be an object");
      }
    }
    const options: NuxtFlashOptions = { ...(nuxt.options.flashkit as NuxtFlashOptions | undefined), ...inlineOptions };
    const { endpoint, component } = checkOptions(options);
    const runtime = runtimeDir();
    const generated = join(nuxt.options.buildDir, "flashkit");

    for (const [name, contents] of Object.entries(serverFiles(options, nuxt))) {
      nuxt.options.build.templates.push({ filename: `flashkit/${name}`, write: true, getContents: () => contents });
    }
    nuxt.options.runtimeConfig.public.flashkit = { endpoint };

    nuxt.hook(
      "nitro:config",
      (config: {
        handlers?: { route?: string; method?: string; middleware?: boolean; handler: string }[];
        plugins?: string[];
      }) => {
        config.handlers ??= [];
        config.handlers.unshift({ middleware: true, handler: join(generated, "middleware.mjs") });
        config.handlers.push({ route: endpoint, method: "get", handler: join(generated, "endpoint.mjs") });
        config.plugins ??= [];
        config.plugins.push(join(generated, "check.mjs"));
      },
    );

    nuxt.options.plugins.unshift({ src: join(runtime, "plugin.client.js"), mode: "client" });
    nuxt.hook("imports:extend", (imports: { name: string; as?: string; from: string }[]) => {
      imports.push({ name: "useFlash", as: "useFlash", from: join(runtime, "use-flash.js") });
    });
    if (component) {
      nuxt.hook("components:extend", (components: Record<string, unknown>[]) => {
        components.push({
          pascalName: "FlashMessages",
          kebabName: "flash-messages",
          export: "FlashMessages",
          filePath: join(runtime, "flash-messages.js"),
          shortPath: "flashkit/nuxt/flash-messages",
          chunkName: "components/flash-messages",
          prefetch: false,
          preload: false,
          global: false,
          mode: "all",
          priority: 0,
          meta: {},
        });
      });
    }
  },
  {
    getMeta: (): Promise<NuxtFlashModuleMeta> =>
      Promise.resolve({ name: "flashkit", configKey: "flashkit", compatibility: { nuxt: ">=4.0.0" } }),
  },
);

export default flashkitNuxt;
