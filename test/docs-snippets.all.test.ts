/**
 * Every fenced code block of README.md, bench/README.md and docs/**\/*.md, checked as a user who copies
 * it would use it (test/docs-snippets.ts says how a page marks a block that is not a complete module):
 *
 * - ts, tsx, js, cjs: type-checked under `strict: true` in a directory laid out like an app that installed
 *   flashkit: `flashkit` and `flashkit/*` resolve to this package's built `dist/` through its `exports`,
 *   the other imports to the devDependencies. One tsc program holds every block, except that a block
 *   merging declarations into a module or the global scope (`Register`, connect-flash's `req.flash`) gets
 *   one of its own, since a merge reaches the whole program. `// @ts-expect-error` in a block is proven
 *   by the same run (an unused one is an error).
 * - `app` blocks: bundled, started with node and driven: POST, redirect, the message shown once.
 *   `node-test` blocks: run with `node --test`. `plain-js` blocks: parsed as JavaScript too.
 * - njk, ejs, handlebars: rendered by their engine inside an Express app that flashed an error and a
 *   success: both shown once, escaped, `error` mapped to a coloured level, one `id="flash-messages"`.
 * - html: balanced tags, one `id="flash-messages"`. css: the flashkit files it names exist.
 * - sh: `npm run X`/`npm start`/`npm test` name scripts of package.json, `npm install` names packages
 *   this repository can install (itself, its devDependencies), `node path/file` names files that exist.
 * - Every relative link points at a file that exists, and its `#anchor` at a heading there.
 *
 * Needs the build (`npm run build`; `npm test` builds first).
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { build, transform } from "esbuild";
import express from "express";
import Handlebars from "handlebars";
import nunjucks from "nunjucks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { flashLevel, renderFlashMessages } from "../src/render/index.js";
import { installFlash as installEjs } from "../src/templates/ejs.js";
import { installFlash as installHandlebars } from "../src/templates/handlebars.js";
import { installFlash as installNunjucks } from "../src/templates/nunjucks.js";
import { createBrowserClient, type StartedServer, startServer } from "../src/testing/index.js";
import {
  allBlocks,
  CONTEXTS,
  checkOption,
  type DocBlock,
  docPages,
  extractBlocks,
  ROOT,
  where,
} from "./docs-snippets.js";
import { SECRET } from "./helpers.js";
import { HAS_REDIS, type RedisServer, startRedisServer } from "./redis-server.js";

const blocks = allBlocks();
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

const TYPED = new Set(["ts", "tsx", "js", "jsx"]);
const TEMPLATES = new Set(["njk", "jinja", "ejs", "handlebars", "hbs"]);
const SHELL = new Set(["sh", "bash", "shell"]);
/** Blocks that are not code: diagrams and file layouts. Checked only for being listed here. */
const TEXT = new Set(["text", ""]);

const has = (block: DocBlock, word: string) => block.check.includes(word);
const named = (list: DocBlock[]) => list.map((block) => [where(block), block] as const);
const extension = (block: DocBlock) =>
  has(block, "cjs")
    ? "cjs"
    : block.lang === "tsx"
      ? "tsx"
      : block.lang === "jsx"
        ? "jsx"
        : block.lang === "js"
          ? "js"
          : "ts";
/**
 * The blocks type-checked here: all ts/tsx/js blocks but those that the test named by `run=` compiles
 * with settings of their own (`own-tsconfig`: a React Router app's `moduleResolution: "bundler"`).
 */
const typed = blocks.filter((block) => TYPED.has(block.lang) && !has(block, "own-tsconfig"));
const fileOf = (block: DocBlock) => `block-${blocks.indexOf(block)}.${extension(block)}`;

/** The directory laid out like an app that ran `npm install flashkit` and the peers it uses. */
let appDir = "";
/** tsc's diagnostics per generated file name. */
const diagnostics = new Map<string, string[]>();

function layOutApp(): string {
  const dir = mkdtempSync(join(tmpdir(), "flashkit-docs-"));
  const modules = join(dir, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === "flashkit" || name.startsWith(".")) continue;
    symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
  symlinkSync(ROOT, join(modules, "flashkit"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "docs-app", private: true, type: "module" }));
  return dir;
}

/**
 * The tsc program a block is checked in. Declaration merging reaches a whole program, so a block that
 * augments a module or the global scope (`Register`, connect-flash's `req.flash`) gets a program of its own
 * (or the one its `program=` names); every other block shares one.
 */
function programOf(block: DocBlock): string {
  const named = checkOption(block, "program");
  if (named) return named;
  if (/\bdeclare (module|global)\b/.test(block.code)) return `own-${blocks.indexOf(block)}`;
  if (/["']flashkit\/connect-flash["']/.test(block.code)) return "connect-flash";
  return "main";
}

/** Writes the typed blocks into `dir`, each with its fragment context, and returns their file names. */
function writeTypedBlocks(dir: string): string[] {
  return typed.map((block) => {
    // After the block, so that its line numbers stay and a leading `@jsxImportSource` pragma stays leading
    // (declarations and imports are hoisted); `export {}` makes every block a module of its own.
    const context = block.check[0] === "fragment" ? block.check[1] : undefined;
    if (context !== undefined && !(context in CONTEXTS)) {
      throw new Error(`${where(block)}: unknown fragment context "${context}" (see CONTEXTS in test/docs-snippets.ts)`);
    }
    if (context !== undefined && !block.lang.startsWith("ts")) {
      throw new Error(`${where(block)}: a fragment is checked after TypeScript declarations: make it a ts block`);
    }
    const epilogue = `\n${context ? CONTEXTS[context] : ""}\n${has(block, "cjs") ? "" : "export {};"}\n`;
    const name = fileOf(block);
    writeFileSync(join(dir, name), block.code + epilogue);
    return name;
  });
}

/** Runs tsc once over `files` and adds its diagnostics; returns the files with syntax errors. */
function runTsc(dir: string, program: string, files: string[]): Promise<string[]> {
  const config = join(dir, `tsconfig.${program}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowJs: true,
        checkJs: true,
        jsx: "react-jsx",
        types: ["node"],
      },
      files,
    }),
  );
  const tsc = join(ROOT, "node_modules", ".bin", "tsc");
  return new Promise((resolve, reject) => {
    const child = spawn(tsc, ["-p", config, "--pretty", "false"], { cwd: dir });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", () => {
      const syntax = new Set<string>();
      // One diagnostic per line: `block-3.ts(12,5): error TS2345: ...`; other lines continue the one before.
      let last: string[] | undefined;
      for (const line of output.split("\n")) {
        const found = /^(block-\d+\.\w+)\((\d+),(\d+)\): error TS(\d+): (.*)$/.exec(line);
        if (found) {
          const name = found[1] as string;
          const code = Number(found[4]);
          if (code < 2000 || (code >= 8000 && code < 9000) || (code >= 17000 && code < 18000)) syntax.add(name);
          last = diagnostics.get(name) ?? [];
          diagnostics.set(name, last);
          last.push(`line ${found[2]} of the block: TS${code}: ${found[5]}`);
        } else if (line.trim() && last) last.push(line);
        else if (line.trim()) diagnostics.set("(tsc)", [...(diagnostics.get("(tsc)") ?? []), line]);
      }
      resolve([...syntax]);
    });
  });
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist", "index.d.ts"))) {
    throw new Error("the docs snippets are checked against the built package: run `npm run build` first");
  }
  appDir = layOutApp();
  // Once, before any app starts: apps start side by side, and one must not read it half-written.
  writeFileSync(join(appDir, "listen-hook.mjs"), LISTEN_HOOK);
  for (const block of blocks) {
    const file = checkOption(block, "file");
    if (file === undefined) continue;
    mkdirSync(join(appDir, dirname(file)), { recursive: true });
    writeFileSync(join(appDir, file), block.code);
  }
  const files = writeTypedBlocks(appDir);
  // tsc reports no type errors while any file has a syntax error: check the others again without those.
  const programs = new Map<string, string[]>();
  for (const [index, block] of typed.entries()) {
    const program = programOf(block);
    programs.set(program, [...(programs.get(program) ?? []), files[index] as string]);
  }
  await Promise.all(
    [...programs].map(async ([program, names]) => {
      // tsc reports no type errors while any file has a syntax error: check the others again without those.
      const broken = await runTsc(appDir, program, names);
      if (broken.length > 0)
        await runTsc(
          appDir,
          program,
          names.filter((name) => !broken.includes(name)),
        );
    }),
  );
}, 120_000);

const children: ChildProcess[] = [];
const servers: StartedServer[] = [];
afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(servers.map((server) => server.close()));
  if (appDir) rmSync(appDir, { recursive: true, force: true });
});

it("finds the code blocks of README.md and every docs page, each of a kind it checks", () => {
  expect(blocks.length).toBeGreaterThan(20);
  const unknown = blocks.filter(
    (block) =>
      !TYPED.has(block.lang) &&
      !TEMPLATES.has(block.lang) &&
      !SHELL.has(block.lang) &&
      !TEXT.has(block.lang) &&
      // A framework's own file (an .astro component), which the test named by run= checks.
      !(has(block, "own-tsconfig") && block.check.some((word) => word.startsWith("run="))),
  );
  // A Svelte or Vue single-file component is checked by the test its page names (`run=`).
  const elsewhere = (block: DocBlock) =>
    (block.lang === "svelte" || block.lang === "vue") && checkOption(block, "run") !== undefined;
  expect(
    unknown.filter((block) => block.lang !== "html" && block.lang !== "css" && !elsewhere(block)).map(where),
  ).toEqual([]);
  expect(diagnostics.get("(tsc)") ?? []).toEqual([]);
});

it("reads fences, their check comments and indented blocks of list items", () => {
  const page = [
    "# Page",
    "<!-- check: fragment express-app -->",
    "",
    "```ts",
    "app.use(x);",
    "```",
    "- an item:",
    "",
    "  ~~~sh title=x",
    "  npm test",
    "  ~~~",
    '<!-- check: app post=/notes expect="Saved note 1: Hi" -->',
    "````tsx",
    "```",
    "````",
  ].join("\n");
  expect(extractBlocks("docs/x.md", page)).toEqual([
    { page: "docs/x.md", line: 5, lang: "ts", check: ["fragment", "express-app"], code: "app.use(x);\n" },
    { page: "docs/x.md", line: 10, lang: "sh", check: [], code: "npm test\n" },
    {
      page: "docs/x.md",
      line: 14,
      lang: "tsx",
      check: ["app", "post=/notes", 'expect="Saved note 1: Hi"'],
      code: "```\n",
    },
  ]);
  expect(() => extractBlocks("docs/y.md", "```ts\nopen")).toThrow("docs/y.md:1: a code fence that is never closed");
});

describe.each(typed.map((block) => [where(block), block] as const))("%s", (_, block) => {
  it(`type-checks under strict: true (${block.lang}${block.check.length ? `, ${block.check.join(" ")}` : ""})`, () => {
    expect(diagnostics.get(fileOf(block)) ?? [], block.code).toEqual([]);
  });
});

describe.each(named(blocks.filter((block) => has(block, "plain-js"))))("%s", (_, block) => {
  it("is plain JavaScript as well, as the page says", async () => {
    await expect(transform(block.code, { loader: "js", format: "esm" })).resolves.toBeDefined();
  });
});

// ---- apps: started and driven -------------------------------------------------------------------------

/** Loaded before an app block: whatever port it asks for, it listens on a free port of 127.0.0.1 and says which. */
const LISTEN_HOOK = `
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] !== null && typeof args[0] === "object") args[0] = { ...args[0], port: 0, host: "127.0.0.1" };
  else if (typeof args[0] === "function" || args.length === 0) args.unshift(0, "127.0.0.1");
  else {
    args[0] = 0;
    if (typeof args[1] === "string") args[1] = "127.0.0.1";
    else args.splice(1, 0, "127.0.0.1");
  }
  this.once("listening", () => {
    const address = this.address();
    if (address && typeof address === "object") console.log("docs-snippet listening on " + address.port);
  });
  return listen.apply(this, args);
};
`;

/** The block as a script node runs: a CommonJS block as it is, others bundled with the files they import. */
async function scriptOf(block: DocBlock): Promise<string> {
  if (has(block, "cjs")) return join(appDir, fileOf(block));
  // Bundled with the files it imports from the page (`./handler.js`), the packages left to node.
  const script = join(appDir, fileOf(block).replace(/\.\w+$/, ".run.mjs"));
  await build({
    entryPoints: [join(appDir, fileOf(block))],
    outfile: script,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    jsx: "automatic",
    logLevel: "error",
  });
  return script;
}

/** A started app block: its URL, and what it printed so far (for the messages of a failed check). */
interface StartedApp {
  readonly url: string;
  output(): string;
}

async function startApp(block: DocBlock, env: Record<string, string> = {}): Promise<StartedApp> {
  const script = await scriptOf(block);
  const child = spawn(process.execPath, ["--import", "./listen-hook.mjs", script], {
    cwd: appDir,
    env: { ...process.env, FLASH_SECRET: SECRET, SESSION_SECRET: SECRET, NODE_ENV: "development", PORT: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      const port = /docs-snippet listening on (\d+)/.exec(output)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}`, output: () => output });
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("exit", (status) =>
      reject(new Error(`${where(block)} exited with ${status} before listening:\n${output}`)),
    );
  });
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

let redis: RedisServer | undefined;
afterAll(async () => {
  await redis?.close();
});

const apps = blocks.filter((block) => has(block, "app"));
const nodeTests = blocks.filter((block) => has(block, "node-test"));

// Each app and node test is a node process of its own: run them side by side.
describe.concurrent("apps and tests, each in its own node process", { timeout: 60_000 }, () => {
  it.each(named(apps))(
    "%s runs: a POST flashes and redirects, the next page shows the message once",
    async (_, block) => {
      const needsRedis = checkOption(block, "needs") === "redis";
      // Without redis-server, redis-server.ts has said so loudly (and throws under CI).
      if (needsRedis && !HAS_REDIS) return;
      if (needsRedis) redis ??= await startRedisServer();
      const app = await startApp(block, redis && needsRedis ? { REDIS_URL: redis.url } : {});
      const browser = createBrowserClient(app.url);
      const post = checkOption(block, "post") ?? "/update_profile";
      const form = checkOption(block, "form") ?? "name=Ada";
      const expected = checkOption(block, "expect") ?? "Profile updated successfully!";
      const redirect = await browser.fetch(post, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
        redirect: "manual",
      });
      const said = () => `\n--- the app printed:\n${app.output()}`;
      expect([302, 303], `${post} answers a redirect${said()}`).toContain(redirect.status);
      const location = new URL(redirect.headers.get("location") ?? "", app.url).pathname;
      const page = await (await browser.fetch(location)).text();
      expect(occurrences(page, expected), `${location} shows "${expected}" once:\n${page}${said()}`).toBe(1);
      const again = await (await browser.fetch(location)).text();
      expect(occurrences(again, expected), `${location} again shows it no more:\n${again}${said()}`).toBe(0);
    },
  );

  it.each(named(nodeTests))("%s passes under node --test", async (_, block) => {
    const script = await scriptOf(block);
    const child = spawn(process.execPath, ["--test", "--test-reporter=tap", script], {
      cwd: appDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const status = await new Promise((resolve) => child.once("exit", resolve));
    expect(status, output).toBe(0);
    expect(output).toMatch(/# fail 0/);
    expect(output).not.toMatch(/# pass 0\b/);
  });
});

// ---- templates: rendered by their engine --------------------------------------------------------------

/** An Express app rendering `view` through `engine`, after a POST that flashed an error and a success. */
async function renderAfterFlash(block: DocBlock): Promise<[string, string]> {
  const app = express();
  app.use(flash({ secret: SECRET }));
  const views = join(appDir, `views-${blocks.indexOf(block)}`);
  mkdirSync(views, { recursive: true });
  if (block.lang === "ejs") {
    writeFileSync(join(views, "page.ejs"), block.code);
    app.set("views", views);
    app.set("view engine", "ejs");
    installEjs(app.locals);
    app.locals.flashLevel = flashLevel;
  } else if (block.lang === "handlebars" || block.lang === "hbs") {
    const handlebars = installHandlebars(Handlebars.create());
    const template = handlebars.compile(block.code);
    app.engine("hbs", (_path, locals, callback) => callback(null, template(locals)));
    app.set("views", views);
    writeFileSync(join(views, "page.hbs"), "");
    app.set("view engine", "hbs");
  } else {
    writeFileSync(join(views, "page.njk"), block.code);
    const env = nunjucks.configure(views, { autoescape: true, express: app });
    installNunjucks(env);
    env.addFilter("flash_level", flashLevel);
    app.set("view engine", "njk");
  }
  app.post("/", (req, res) => {
    req.flash("Invalid <password>", "error");
    req.flash("Profile updated successfully!", "success");
    res.redirect(303, "/");
  });
  app.get("/", (_req, res) => res.render("page"));
  const server = await startServer(app);
  servers.push(server);
  const browser = createBrowserClient(server.url);
  const first = await (await browser.fetch("/", { method: "POST" })).text();
  const second = await (await browser.fetch("/")).text();
  return [first, second];
}

const templates = blocks.filter((block) => TEMPLATES.has(block.lang));
describe.each(templates.map((block) => [where(block), block] as const))("%s", (_, block) => {
  it(`renders with ${block.lang}: each message once, escaped, error coloured as danger, one container`, async () => {
    const [page, next] = await renderAfterFlash(block);
    expect(occurrences(page, "Invalid &lt;password&gt;"), page).toBe(1);
    expect(occurrences(page, "Profile updated successfully!"), page).toBe(1);
    expect(page).not.toContain("<password>");
    expect(page).not.toMatch(/\b(alert|flash|bg|text|border)-error\b/);
    expect(page).toMatch(/danger/);
    expect(occurrences(page, 'id="flash-messages"'), page).toBeLessThanOrEqual(1);
    expect(next).not.toContain("Profile updated");
  });
});

// ---- output: what the renderer really prints -------------------------------------------------------------

describe.each(named(blocks.filter((block) => checkOption(block, "renders") !== undefined)))("%s", (_, block) => {
  it("is what renderFlashMessages() prints for those messages (message ids aside)", () => {
    // `renders="error:Invalid password|success:Saved"`: the [category, message] pairs rendered.
    const messages = (checkOption(block, "renders") as string)
      .split("|")
      .map((pair) => [pair.slice(0, pair.indexOf(":")), pair.slice(pair.indexOf(":") + 1)] as [string, string]);
    const ids = (html: string) => html.trim().replace(/id="flash-[\w-]+"/g, 'id="flash-…"');
    expect(ids(block.code)).toBe(ids(renderFlashMessages(messages)));
  });
});

// ---- html, css -------------------------------------------------------------------------------------------

const VOID = new Set(["br", "hr", "img", "input", "link", "meta", "source", "wbr", "area", "base", "col", "embed"]);

describe.each(blocks.filter((block) => block.lang === "html").map((block) => [where(block), block] as const))(
  "%s",
  (_, block) => {
    it("is balanced HTML with at most one flash container", () => {
      const open: string[] = [];
      for (const [, closing, name] of block.code.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?>/g)) {
        const tag = (name as string).toLowerCase();
        if (VOID.has(tag)) continue;
        if (closing) expect(open.pop(), `${where(block)}: </${tag}>`).toBe(tag);
        else open.push(tag);
      }
      expect(open).toEqual([]);
      expect(occurrences(block.code, 'id="flash-messages"')).toBeLessThanOrEqual(1);
    });
  },
);

describe.each(blocks.filter((block) => block.lang === "css").map((block) => [where(block), block] as const))(
  "%s",
  (_, block) => {
    it("names flashkit files that the package ships", () => {
      expect(occurrences(block.code, "{")).toBe(occurrences(block.code, "}"));
      for (const [, path] of block.code.matchAll(/node_modules\/flashkit\/([\w./-]+)/g)) {
        expect(existsSync(join(ROOT, path as string)), path).toBe(true);
      }
    });
  },
);

// ---- shell -----------------------------------------------------------------------------------------------

describe.each(blocks.filter((block) => SHELL.has(block.lang)).map((block) => [where(block), block] as const))(
  "%s",
  (_, block) => {
    it("runs npm scripts that exist, installs packages that exist, runs files that exist", () => {
      const commands = block.code
        .replace(/\\\n/g, " ")
        .replace(/"?\$\([^)]*\)"?/g, "")
        .split("\n")
        .map((line) => line.replace(/#.*$/, "").trim())
        .filter(Boolean)
        .flatMap((line) => line.split(/&&|;/).map((part) => part.trim()));
      for (const command of commands) {
        const words = command.split(/\s+/).filter((word) => !/^[A-Z_]+=/.test(word));
        if (words[0] === "npm" && (words[1] === "run" || words[1] === "start" || words[1] === "test")) {
          // Commands the page tells the reader to run in their own app name that app's scripts.
          if (has(block, "in-your-app")) continue;
          const script = words[1] === "run" ? words[2] : words[1];
          expect(Object.keys(pkg.scripts), `${where(block)}: ${command}`).toContain(script);
        } else if (words[0] === "npm" && (words[1] === "install" || words[1] === "i" || words[1] === "uninstall")) {
          for (const name of words.slice(2).filter((word) => !word.startsWith("-"))) {
            const bare = name.replace(/(?<=.)@[^@/]*$/, "");
            const known = bare === "flashkit" || bare in pkg.devDependencies || words[1] === "uninstall";
            expect(known, `${where(block)}: ${name} is neither flashkit nor a devDependency`).toBe(true);
          }
        } else if (words[0] === "node" || words[0] === "bash") {
          const file = words.slice(1).find((word) => !word.startsWith("-"));
          // A path into this repository (examples/, scripts/) must exist; `node app.mjs` is the reader's file.
          if (file?.includes("/")) expect(existsSync(join(ROOT, file)), `${where(block)}: ${command}`).toBe(true);
        }
      }
    });
  },
);

// ---- blocks another test runs ----------------------------------------------------------------------------

describe.each(blocks.filter((block) => checkOption(block, "run")).map((block) => [where(block), block] as const))(
  "%s",
  (_, block) => {
    it("is run by the test the page names", () => {
      const test = checkOption(block, "run") as string;
      expect(existsSync(join(ROOT, test)), test).toBe(true);
      expect(readFileSync(join(ROOT, test), "utf8")).toContain(block.page);
    });
  },
);

// ---- links -----------------------------------------------------------------------------------------------

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/^(```|~~~)[\s\S]*?^\1/gm, "");
  return new Set([...text.matchAll(/^#{1,6} +(.+)$/gm)].map((match) => anchorOf(match[1] as string)));
}

describe.each(docPages().map((page) => [page] as const))("%s", (page) => {
  it("links to files and headings that exist", () => {
    const text = readFileSync(join(ROOT, page), "utf8")
      .replace(/^(```|~~~)[\s\S]*?^\1/gm, "")
      .replace(/`[^`\n]*`/g, "");
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target as string)) continue;
      const [path, anchor] = (target as string).split("#");
      const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page);
      if (!existsSync(file)) broken.push(`${target}: no such file`);
      else if (anchor && file.endsWith(".md") && !anchorsOf(file).has(anchor))
        broken.push(`${target}: no such heading`);
    }
    expect(broken).toEqual([]);
  });
});
