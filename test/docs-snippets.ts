/**
 * The fenced code blocks of README.md, bench/README.md and every docs/**\/*.md page (a page added
 * later is read too), with what the page says about each: test/docs-snippets.all.test.ts checks them. A block is a complete module unless the line before it
 * is an HTML comment that says otherwise (GitHub and npm show neither the comment nor anything of it):
 *
 * - `<!-- check: fragment CONTEXT -->`: a piece of a module (ts or tsx), type-checked with the
 *   declarations of CONTEXT (see {@link CONTEXTS}: `app`, `req`, `res`, `Flash`, ...);
 * - `program=NAME`: checked in the tsc program of that name, with the blocks whose declarations it needs;
 * - `<!-- check: app -->`: a runnable app, started and driven through flash → redirect → shown once
 *   (`POST /update_profile`, then the page it redirects to shows "Profile updated successfully!" once);
 *   `post=/path`, `form=key=value`, `expect="text"` change the request and the message looked for,
 *   `needs=redis` gives it a throw-away redis-server in `REDIS_URL`;
 * - `<!-- check: file=views/profile.njk -->`: a file the page tells the reader to save: written at that
 *   path beside the app blocks (which may read or import it) before they are checked and started;
 * - `<!-- check: plain-js -->`: a TypeScript block the page says is JavaScript as well: it must parse
 *   as such;
 * - `<!-- check: cjs -->`: a CommonJS module (a `.cjs` file);
 * - `<!-- check: node-test -->`: a test file, run with `node --test`: it must pass;
 * - `<!-- check: run=test/x.test.ts -->`: a block that test runs as written (it must name the page);
 *   with `own-tsconfig`, that test also type-checks it, with the compiler settings the block needs;
 * - `<!-- check: in-your-app -->`: shell commands run in the reader's own app (its npm scripts);
 * - `<!-- check: output -->`: what a call prints or renders (HTML is checked for balanced tags and one
 *   `id="flash-messages"`); `renders="error:Text|success:Text"` makes it what `renderFlashMessages()`
 *   prints for those `[category, message]` pairs, message ids aside.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** One fenced code block of a Markdown page. */
export interface DocBlock {
  /** The page, relative to the root (`docs/stores.md`). */
  readonly page: string;
  /** The 1-based line of the block's first code line. */
  readonly line: number;
  /** The info string's first word, lower-cased (`ts`, `sh`, `njk`), `""` when there is none. */
  readonly lang: string;
  /** The words of the `<!-- check: ... -->` comment before the block. */
  readonly check: readonly string[];
  /** The block's text, ending with a newline. */
  readonly code: string;
}

/** Declarations a `fragment CONTEXT` block is checked after, so that it compiles as the page shows it. */
export const CONTEXTS: Readonly<Record<string, string>> = {
  "express-app": `declare const app: import("express").Express;`,
  "express-route": [
    `declare const app: import("express").Express;`,
    `declare const req: import("express").Request;`,
    `declare const res: import("express").Response;`,
  ].join("\n"),
  "fastify-app": `declare const app: import("fastify").FastifyInstance;`,
  "koa-app": `declare const app: import("koa").default;`,
  "hono-app": `declare const app: import("hono").Hono;`,
  "fetch-handler": [
    `import { flashOf, withFlash } from "flashkit/fetch";`,
    `declare const options: import("flashkit/fetch").FetchFlashOptions;`,
    `declare function route(request: Request): Promise<Response>;`,
  ].join("\n"),
  bun: `declare const Bun: { serve(options: { fetch(request: Request): Response | Promise<Response> }): unknown };`,
  deno: `declare const Deno: { serve(handler: (request: Request) => Response | Promise<Response>): unknown };`,
  browser: `declare const Flash: typeof import("flashkit/client").Flash;`,
  test: [
    `declare const server: import("flashkit/testing").StartedServer;`,
    `declare const assert: typeof import("node:assert/strict");`,
  ].join("\n"),
};

/** Every Markdown page the checker reads: README.md, bench/README.md and docs/**\/*.md, in a stable order. */
export function docPages(root: string = ROOT): string[] {
  const pages = ["README.md", "bench/README.md"];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) pages.push(relative(root, path));
    }
  };
  walk(join(root, "docs"));
  return pages;
}

const CHECK = /^\s*<!--\s*check:\s*(.*?)\s*-->\s*$/;

/** The fenced code blocks of one page (backtick or tilde fences, also indented inside a list item). */
export function extractBlocks(page: string, text: string): DocBlock[] {
  const lines = text.split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/.exec(lines[i] ?? "");
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const fence = open[2] ?? "```";
    let previous = i - 1;
    while (previous >= 0 && (lines[previous] ?? "").trim() === "") previous--;
    const check = CHECK.exec(lines[previous] ?? "")?.[1]?.match(/(?:[^\s"]+="[^"]*"|[^\s"]+)/g) ?? [];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? "";
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") break;
      body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)));
    }
    if (j === lines.length) throw new Error(`${page}:${i + 1}: a code fence that is never closed`);
    blocks.push({ page, line: i + 2, lang: (open[3] ?? "").toLowerCase(), check, code: `${body.join("\n")}\n` });
    i = j;
  }
  return blocks;
}

/** Every block of every page. */
export function allBlocks(root: string = ROOT): DocBlock[] {
  return docPages(root).flatMap((page) => extractBlocks(page, readFileSync(join(root, page), "utf8")));
}

/** The value of a `key=value` (or `key="value"`) word of a block's check comment. */
export function checkOption(block: DocBlock, key: string): string | undefined {
  const word = block.check.find((w) => w.startsWith(`${key}=`));
  return word?.slice(key.length + 1).replace(/^"(.*)"$/, "$1");
}

/** `file:line` of a block, for messages. */
export function where(block: DocBlock): string {
  return `${block.page}:${block.line}`;
}
