/**
 * Issue: an app (or a library under it) that sends its own cookies with `res.writeHead(status,
 * { "Set-Cookie": ... })` must not drop flashkit's: Node applies that argument after flashkit
 * appended its cookies. Object and flat-array forms, with and without a reason phrase, on Express
 * and on a bare Node server, for a flash (a cookie set) and for a read (a cookie expired).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { flash } from "../src/adapters/express.js";
import { createBrowserClient } from "../src/testing/browser-client.js";
import { type StartedServer, startServer } from "../src/testing/server.js";
import { SECRET } from "./helpers.js";

const servers: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type WriteHeadForm = (res: ServerResponse, status: number, location?: string) => void;

/** The ways an app passes its own Set-Cookie to writeHead. */
const FORMS: Array<[string, WriteHeadForm]> = [
  [
    "an object",
    (res, status, location) =>
      res.writeHead(status, { "Set-Cookie": "app=1; Path=/", ...(location ? { Location: location } : {}) }),
  ],
  [
    "an object with a list",
    (res, status, location) =>
      res.writeHead(status, { "set-cookie": ["app=1; Path=/", "other=2; Path=/"], ...(location ? { location } : {}) }),
  ],
  [
    "a reason and an object",
    (res, status, location) =>
      res.writeHead(status, "Custom", { "SET-COOKIE": "app=1; Path=/", ...(location ? { Location: location } : {}) }),
  ],
  [
    "a flat array",
    (res, status, location) =>
      res.writeHead(status, ["Set-Cookie", "app=1; Path=/", ...(location ? ["Location", location] : [])]),
  ],
  [
    "a flat array of two cookies",
    (res, status, location) =>
      res.writeHead(status, [
        "set-cookie",
        "app=1; Path=/",
        "Set-Cookie",
        "other=2; Path=/",
        ...(location ? ["Location", location] : []),
      ]),
  ],
];

/** Routes `/flash` (flashes, then 303 to `/read` through writeHead) and `/read` (reads, through writeHead). */
function route(
  req: IncomingMessage & { flash: Express.Request["flash"]; getFlashedMessages: Express.Request["getFlashedMessages"] },
  res: ServerResponse,
  form: WriteHeadForm,
): void {
  if (req.url === "/flash") {
    req.flash("Profile updated successfully!", "success");
    form(res, 303, "/read");
    res.end();
    return;
  }
  const messages = req.getFlashedMessages({ withCategories: true });
  form(res, 200);
  res.end(JSON.stringify(messages));
}

async function checkCycle(url: string): Promise<void> {
  const browser = createBrowserClient(url);
  const redirect = await browser.fetch("/flash", { redirect: "manual" });
  expect(redirect.status).toBe(303);
  const setCookies = redirect.headers.getSetCookie();
  expect(setCookies.some((header) => header.startsWith("app=1"))).toBe(true);
  expect(setCookies.some((header) => header.startsWith("flash."))).toBe(true);
  const read = await browser.fetch("/read");
  expect(await read.json()).toEqual([["success", "Profile updated successfully!"]]);
  // The read's expiry of the consumed cookie went out beside the app's own cookie.
  expect(read.headers.getSetCookie().some((header) => header.startsWith("flash.") && /Max-Age=0/.test(header))).toBe(
    true,
  );
  expect(browser.cookies().filter((cookie) => cookie.name.startsWith("flash."))).toEqual([]);
  expect(await (await browser.fetch("/read")).json()).toEqual([]);
}

describe.each(FORMS)("res.writeHead(status, %s with Set-Cookie) keeps flashkit's cookies", (_form, form) => {
  it("on Express", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    app.use((req, res) => route(req as never, res, form));
    const server = await startServer(app);
    servers.push(server);
    await checkCycle(server.url);
  });

  it("on a bare Node server", async () => {
    const middleware = flash({ secret: SECRET });
    const server = await startServer((req, res) => {
      middleware(req, res, () => route(req as never, res, form));
    });
    servers.push(server);
    await checkCycle(server.url);
  });
});

describe("res.writeHead(status, headers) without Set-Cookie", () => {
  it("leaves flashkit's cookies and the app's headers as they are", async () => {
    const app = express();
    app.use(flash({ secret: SECRET }));
    app.post("/flash", (req, res) => {
      req.flash("Saved", "success");
      res.writeHead(303, { Location: "/read", "X-App": "1" });
      res.end();
    });
    const server = await startServer(app);
    servers.push(server);
    const response = await fetch(`${server.url}/flash`, { method: "POST", redirect: "manual" });
    expect(response.headers.get("x-app")).toBe("1");
    expect(response.headers.getSetCookie()).toHaveLength(1);
  });
});
