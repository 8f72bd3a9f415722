/**
 * The code block of docs/adapters.md, run as written: a Fetch handler that catches its route's error
 * and returns its own 500, onto which flashkit commits the message it flashed there.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flashOf, withFlash } from "../src/adapters/fetch.js";
import { createCookieJar } from "../src/testing/cookie-jar.js";
import { SECRET } from "./helpers.js";

const page = readFileSync(new URL("../docs/adapters.md", import.meta.url), "utf8");
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((match) => match[1] ?? "")
  .filter((block) => block.includes("Something went wrong"));

describe("docs/adapters.md", () => {
  it("a handler that catches its route's error returns its 500 with the flashed message's cookie", async () => {
    expect(blocks).toHaveLength(1);
    const route = async (request: Request): Promise<Response> => {
      if (new URL(request.url).pathname === "/boom") throw new Error("boom");
      return Response.json(flashOf(request).getFlashedMessages({ withCategories: true }));
    };
    const options = { secret: SECRET };
    const handler = new Function("withFlash", "flashOf", "route", "options", `return ${blocks[0]}`)(
      withFlash,
      flashOf,
      route,
      options,
    ) as (request: Request) => Promise<Response>;
    const jar = createCookieJar();
    const errors: unknown[] = [];
    const consoleError = console.error;
    console.error = (error: unknown) => errors.push(error);
    let failed: Response;
    try {
      failed = await handler(new Request("http://app.test/boom"));
    } finally {
      console.error = consoleError;
    }
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("Something went wrong");
    expect(errors).toEqual([new Error("boom")]);
    jar.apply(failed.headers.getSetCookie());
    const next = await handler(new Request("http://app.test/", { headers: { cookie: jar.header() } }));
    expect(await next.json()).toEqual([["error", "Something went wrong"]]);
  });
});
