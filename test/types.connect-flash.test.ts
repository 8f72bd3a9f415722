/**
 * Type tests of flashkit/connect-flash's declaration merging.
 *
 * flashkit/express and flashkit/connect-flash both type `Express.Request["flash"]` as one interface,
 * `ExpressRequestFlash`, and each adds its own call signatures to it, so an app uses either and a
 * program that loads both (this repository) still type-checks, with connect-flash's signatures first.
 *
 * - In this file (checked by `npm run typecheck`, where both adapters are loaded): connect-flash's
 *   calls have connect-flash's types, and flashkit/express's API is still there.
 * - Below, `tsc` checks small apps against the built declarations (`npm run build` first): an app
 *   that imports only flashkit/connect-flash sees only connect-flash's API (no `req.flash.now`), a
 *   CommonJS app gets the same through `import flash = require(...)`, and an app that imports both
 *   compiles.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { RequestHandler } from "express";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import "../src/adapters/connect-flash.js";
import "../src/adapters/express.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("req.flash with both adapters loaded", () => {
  it("has connect-flash's types for connect-flash's calls", () => {
    const handler: RequestHandler = (req, res) => {
      expectTypeOf(req.flash("info", "Flash is back!")).toEqualTypeOf<number>();
      expectTypeOf(req.flash("info", ["a", "b"])).toEqualTypeOf<number>();
      expectTypeOf(req.flash("info", "sent to %s (%d)", "ada", 2)).toEqualTypeOf<number>();
      expectTypeOf(req.flash("info")).toEqualTypeOf<string[]>();
      expectTypeOf(req.flash()).toEqualTypeOf<{ [type: string]: string[] }>();
      res.end();
    };
    expectTypeOf(handler).toBeFunction();
  });

  it("keeps flashkit/express's API beside it", () => {
    const handler: RequestHandler = (req, res) => {
      req.flash.now("shown now", "info");
      req.flash.keep();
      expectTypeOf(req.flash({ title: "a JSON message" }, "toast")).toEqualTypeOf<void>();
      expectTypeOf(req.getFlashedMessages({ withCategories: true })).toEqualTypeOf<Array<[string, unknown]>>();
      // @ts-expect-error neither API takes a number as the second argument
      req.flash("info", 42);
      res.end();
    };
    expectTypeOf(handler).toBeFunction();
  });
});

const BUILT = join(ROOT, "dist/adapters/connect-flash.d.ts");
const WORK = join(ROOT, `.tmp/types-connect-flash-${process.pid}`);

const EQUAL = "type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;";

const FIXTURES: Record<string, string> = {
  // An app that uses only flashkit/connect-flash: connect-flash's API, nothing of flashkit/express.
  "only.mts": `
import express from "express";
import flash from "flashkit/connect-flash";
${EQUAL}
const app = express();
app.use(flash());
app.use(flash({ unsafe: true, secret: process.env.FLASH_SECRET }));
app.get("/", (req, res) => {
  const count = req.flash("info", "Flash is back!");
  const formatted = req.flash("info", "sent to %s", "ada");
  const several = req.flash("info", ["a", "b"]);
  const infos = req.flash("info");
  const all = req.flash();
  const checks: [
    Equal<typeof count, number>,
    Equal<typeof formatted, number>,
    Equal<typeof several, number>,
    Equal<typeof infos, string[]>,
    Equal<typeof all, { [type: string]: string[] }>,
  ] = [true, true, true, true, true];
  // @ts-expect-error flashkit/express's methods are not there: this app uses connect-flash's API
  req.flash.now("x", "info");
  // @ts-expect-error nor is flashkit/express's getFlashedMessages
  req.getFlashedMessages();
  // @ts-expect-error a message is a string or a list of strings
  req.flash("info", 42);
  res.json(checks);
});
`,
  // A CommonJS module in TypeScript: require() gives the middleware factory.
  "common.cts": `
import express = require("express");
import flash = require("flashkit/connect-flash");
const app = express();
app.use(flash());
app.get("/", (req, res) => {
  const infos: string[] = req.flash("info");
  const count: number = req.flash("info", "x");
  res.json({ infos, count });
});
`,
  // Both adapters in one program: it compiles, connect-flash's signatures first.
  "both.mts": `
import express from "express";
import connectFlash from "flashkit/connect-flash";
import { flash } from "flashkit/express";
${EQUAL}
const app = express();
app.use(flash());
app.use(connectFlash({ unsafe: true }));
app.get("/", (req, res) => {
  const infos = req.flash("info");
  const check: Equal<typeof infos, string[]> = true;
  req.flash.now("x", "info");
  res.json({ infos, check });
});
`,
};

describe("apps type-checked against the built declarations", () => {
  afterAll(() => rmSync(WORK, { recursive: true, force: true }));

  it("types an app of either kind, and a CommonJS one", async () => {
    if (!existsSync(BUILT)) throw new Error("dist/ is missing: run `npm run build` before this test");
    mkdirSync(WORK, { recursive: true });
    for (const [name, source] of Object.entries(FIXTURES)) writeFileSync(join(WORK, name), source);
    const tsc = join(ROOT, "node_modules/.bin/tsc");
    // One program per app: a global augmentation of one file would otherwise reach the others.
    for (const name of Object.keys(FIXTURES)) {
      const project = join(WORK, `tsconfig.${name}.json`);
      writeFileSync(
        project,
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ["node"],
          },
          files: [name],
        }),
      );
      const errors = await promisify(execFile)(tsc, ["-p", project], { cwd: ROOT }).then(
        () => "",
        (error: { stdout?: string; message: string }) => error.stdout || error.message,
      );
      expect(errors, name).toBe("");
    }
  });
});
