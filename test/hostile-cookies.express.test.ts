/**
 * Hostile clients against a real server (Express adapter, default cookie store): a `Cookie` header
 * at Node's size limit, a client holding far more flash cookies than `maxMessages`, forged and
 * tossed cookies, replays, and the `__Host-` prefix that shuts sibling subdomains out.
 * Whatever the client sends, the answer is a page (200, or Node's own 431 for an oversized head),
 * never a 500 or a crash, and only messages this app signed are shown.
 */
import http, { createServer, type IncomingHttpHeaders } from "node:http";
import express from "express";
import { afterEach, describe, expect, it, vi } from "vitest";
import { flash } from "../src/adapters/express.js";
import { flashIdTime } from "../src/core/ids.js";
import type { DropReason, StoredFlash } from "../src/index.js";
import { renderFlashMessages } from "../src/render/index.js";
import { type StartedServer, startServer } from "../src/testing/index.js";
import { encodePayload, FOREIGN_SECRET, mac, SECRETS, signedValue } from "./fuzz-cookies-kit.js";

const SECRET = SECRETS[0];
const servers: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

type AppOptions = Parameters<typeof flash>[0];

/** An app with a page rendering the messages, a JSON view of them, and a route that flashes one. */
function makeApp(options: AppOptions) {
  const errors: unknown[] = [];
  const app = express();
  app.use(flash(options));
  app.get("/page", (req, res) => {
    const messages = req.getFlashedMessages({ withCategories: true });
    res.send(renderFlashMessages(messages, { maxExpanded: Number.POSITIVE_INFINITY, messageId: (i) => `m${i}` }));
  });
  app.get("/json", (req, res) => {
    res.json(req.getFlashedMessages({ withCategories: true }));
  });
  app.get("/flash", (req, res) => {
    req.flash(String(req.query.m ?? "new"), "info");
    res.send("ok");
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    errors.push(error);
    res.status(500).send("error");
  });
  return { app, errors };
}

async function serve(options: AppOptions, serverOptions: http.ServerOptions = {}) {
  const { app, errors } = makeApp(options);
  const server = await startServer(createServer(serverOptions, app));
  servers.push(server);
  return { server, errors };
}

interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection, with the Cookie header exactly as given (latin1 bytes allowed). */
function request(server: StartedServer, path: string, cookie?: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: server.port, path, agent: false, headers: cookie === undefined ? {} : { cookie } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

let stamp = Date.now() * 1000;
/** A flash cookie the app would have written: `name=value` with a fresh id, signed with `secret`. */
function flashCookie(message: unknown, secret: string = SECRET, prefix = "flash."): string {
  stamp += 1;
  const name = `${prefix}${stamp.toString(36).padStart(11, "0")}a1b2c3`;
  return `${name}=${signedValue(secret, name, JSON.stringify(["info", message]))}`;
}

/** Applies Set-Cookie headers to a cookie list the way a browser does (Max-Age=0 deletes). */
function applySetCookies(cookies: string[], setCookies: readonly string[] | undefined): string[] {
  const jar = new Map(cookies.map((pair) => [pair.slice(0, pair.indexOf("=")), pair]));
  for (const header of setCookies ?? []) {
    const pair = header.split(";")[0]!;
    const name = pair.slice(0, pair.indexOf("="));
    if (/;\s*Max-Age=0(;|$)/i.test(header)) jar.delete(name);
    else jar.set(name, pair);
  }
  return [...jar.values()];
}

describe("a Cookie header at Node's size limit", () => {
  it("just under the limit: the page renders every valid message and expires their cookies", async () => {
    const { server, errors } = await serve({ secret: SECRET });
    const valid = [1, 2, 3, 4, 5].map((n) => flashCookie(`valid <${n}>`));
    const head = `${valid.join("; ")}; pad=`;
    // Leave room for the request line, Host and Connection: Node counts the whole head.
    const cookie = head + "x".repeat(http.maxHeaderSize - 256 - head.length);
    expect(cookie.length).toBeGreaterThan(16_000);
    const reply = await request(server, "/page", cookie);
    expect(reply.status).toBe(200);
    for (const n of [1, 2, 3, 4, 5]) expect(reply.body).toContain(`valid &lt;${n}&gt;`);
    const setCookies = reply.headers["set-cookie"] ?? [];
    expect(setCookies).toHaveLength(5);
    for (const header of setCookies) expect(header).toMatch(/^flash\.\w{17}=; Max-Age=0; Path=\/; HttpOnly/);
    expect(errors).toEqual([]);
  });

  it("over the limit: Node answers 431 itself, and the server keeps serving", async () => {
    const { server, errors } = await serve({ secret: SECRET });
    const cookie = `${flashCookie("too late")}; pad=${"x".repeat(http.maxHeaderSize)}`;
    const reply = await request(server, "/page", cookie);
    expect(reply.status).toBe(431);
    const next = await request(server, "/json", flashCookie("next request"));
    expect(next.status).toBe(200);
    expect(JSON.parse(next.body)).toEqual([["info", "next request"]]);
    expect(errors).toEqual([]);
  });
});

describe("a client holding many flash cookies", () => {
  // 180: Chrome's per-domain cookie limit. Their header (~16 KB) needs a larger limit than Node's 16 KiB.
  const COUNT = 180;
  const held = () => Array.from({ length: COUNT }, (_, i) => flashCookie(`old ${i}`));

  it("caps at maxMessages on the next flash, reports exactly what it dropped, and never answers 500", async () => {
    const drops: Array<[readonly StoredFlash[], DropReason]> = [];
    const { server, errors } = await serve(
      // Bytes allowed past the count, so that the count is the limit hit.
      {
        secret: SECRET,
        maxMessages: 50,
        cookie: { maxBytes: 65_536 },
        onDrop: (dropped, reason) => drops.push([dropped, reason]),
      },
      { maxHeaderSize: 64 * 1024 },
    );
    const cookies = held();
    const reply = await request(server, "/flash?m=newest", cookies.join("; "));
    expect(reply.status).toBe(200);
    expect(drops).toHaveLength(1);
    const [dropped, reason] = drops[0]!;
    expect(reason).toBe("maxMessages");
    expect(dropped.map((entry) => entry.message)).toEqual(Array.from({ length: COUNT - 49 }, (_, i) => `old ${i}`));
    const setCookies = reply.headers["set-cookie"] ?? [];
    expect(setCookies.filter((h) => /Max-Age=0/.test(h))).toHaveLength(COUNT - 49);
    expect(setCookies.filter((h) => !/Max-Age=0/.test(h))).toHaveLength(1);

    const after = applySetCookies(cookies, setCookies);
    expect(after).toHaveLength(50);
    const read = await request(server, "/json", after.join("; "));
    const messages = JSON.parse(read.body) as Array<[string, string]>;
    expect(messages.map(([, m]) => m)).toEqual([
      ...Array.from({ length: 49 }, (_, i) => `old ${COUNT - 49 + i}`),
      "newest",
    ]);
    expect(errors).toEqual([]);
  });

  it("without onDrop, reports the drop through the logger", async () => {
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const { server } = await serve(
      { secret: SECRET, maxMessages: 50, cookie: { maxBytes: 65_536 }, logger },
      { maxHeaderSize: 64 * 1024 },
    );
    const reply = await request(server, "/flash", held().join("; "));
    expect(reply.status).toBe(200);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(`dropped ${COUNT - 49} oldest`));
  });

  it("shows every held message on a page that only reads, and expires them all", async () => {
    const { server, errors } = await serve({ secret: SECRET, maxMessages: 50 }, { maxHeaderSize: 64 * 1024 });
    const reply = await request(server, "/page", held().join("; "));
    expect(reply.status).toBe(200);
    expect(reply.body.match(/data-flash-message/g)).toHaveLength(COUNT);
    expect(reply.headers["set-cookie"]).toHaveLength(COUNT);
    expect(errors).toEqual([]);
  });
});

describe("forged, tossed and replayed cookies", () => {
  function forgeries(): string[] {
    const valid = flashCookie("original");
    const [name = "", value = ""] = valid.split("=");
    const other = flashCookie("other").split("=")[0]!;
    const payload = value.slice(0, value.lastIndexOf("."));
    const evil = encodePayload(JSON.stringify(["info", "<script>alert(1)</script>"]));
    return [
      flashCookie("<script>alert('foreign key')</script>", FOREIGN_SECRET),
      `${name}=${value.slice(0, -1)}`,
      `${name}=${value.slice(0, 20)}`,
      `${other}=${value}`,
      `${name}=${evil}.${value.slice(value.lastIndexOf(".") + 1)}`,
      `${name}=${evil}.${mac(FOREIGN_SECRET, name, evil)}`,
      `${name}=${payload}.${"A".repeat(43)}`,
      `${name}\u00a0=${value}`,
      `${name}="${value}"`,
      `${name.toUpperCase()}=${value}`,
      // Signed properly, with the right secret and name: only its size (past 4096 bytes) gets it rejected.
      flashCookie("x".repeat(3200)),
      `flash.\u00ff\u00fe\u0080=\u00a0\u00e9;=;;flash.=;"flash.`,
      `flash.${"z".repeat(17)}=${"A".repeat(30)}.${"B".repeat(43)}`,
    ];
  }

  it("answers 200 with no message and no Set-Cookie when every flash cookie is forged", async () => {
    const logger = { debug: vi.fn(), warn: vi.fn() };
    const { server, errors } = await serve({ secret: SECRETS, logger });
    const forged = forgeries();
    expect(forged.some((pair) => pair.length > 4096)).toBe(true);
    const cookie = `theme=dark; ${forged.join("; ")}; lang=en`;
    const json = await request(server, "/json", cookie);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toEqual([]);
    expect(json.headers["set-cookie"]).toBeUndefined();
    const page = await request(server, "/page", cookie);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("data-flash-message");
    expect(page.body).not.toMatch(/<script/i);
    expect(logger.debug).toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
  });

  it("still finds the one valid cookie among the forgeries", async () => {
    const { server } = await serve({ secret: SECRETS });
    const cookie = [...forgeries(), flashCookie("the real one", SECRETS[1])].join("; ");
    const reply = await request(server, "/json", cookie);
    expect(JSON.parse(reply.body)).toEqual([["info", "the real one"]]);
  });

  it("a shadowing cookie of the same name (tossed with a longer Path, so sent first) cannot replace a message", async () => {
    const { server } = await serve({ secret: SECRET });
    const valid = flashCookie("genuine");
    const [name, value = ""] = valid.split("=") as [string, string];
    const shadow = `${name}=${encodePayload(JSON.stringify(["error", "fake"]))}.${value.slice(-43)}`;
    for (const cookie of [`${shadow}; ${valid}`, `${valid}; ${shadow}`]) {
      const reply = await request(server, "/json", cookie);
      expect(JSON.parse(reply.body)).toEqual([["info", "genuine"]]);
    }
  });

  it("a captured cookie replays until it expires: integrity, not freshness (maxAge bounds it on the server)", async () => {
    const { server } = await serve({ secret: SECRET });
    const captured = flashCookie("seen once");
    const first = await request(server, "/json", captured);
    expect(JSON.parse(first.body)).toEqual([["info", "seen once"]]);
    expect(first.headers["set-cookie"]?.[0]).toMatch(/Max-Age=0/);
    const replay = await request(server, "/json", captured);
    expect(JSON.parse(replay.body)).toEqual([["info", "seen once"]]);

    const bounded = await serve({ secret: SECRET, cookie: { maxAge: 60 } });
    const hourOld = (Date.now() - 3_600_000) * 1000;
    const name = `flash.${hourOld.toString(36).padStart(11, "0")}a1b2c3`;
    const stale = `${name}=${signedValue(SECRET, name, JSON.stringify(["info", "stale"]))}`;
    const fresh = flashCookie("fresh");
    const reply = await request(bounded.server, "/json", `${stale}; ${fresh}`);
    expect(JSON.parse(reply.body)).toEqual([["info", "fresh"]]);
  });
});

describe("a validly signed cookie stamped in the future (an instance whose clock runs fast)", () => {
  it("orders that client's new messages after it, but never future-dates other clients' ids: maxAge still bounds their replay", async () => {
    const { server, errors } = await serve({ secret: SECRET, cookie: { maxAge: 1 } });
    const dayAhead = (Date.now() + 86_400_000) * 1000;
    const name = `flash.${dayAhead.toString(36).padStart(11, "0")}a1b2c3`;
    let clientA = [`${name}=${signedValue(SECRET, name, JSON.stringify(["info", "from the fast instance"]))}`];

    const flashedByA = await request(server, "/flash?m=after%20it", clientA.join("; "));
    const newOfA = flashedByA.headers["set-cookie"]?.[0]?.split("=")[0] ?? "";
    expect(newOfA > name).toBe(true);
    clientA = applySetCookies(clientA, flashedByA.headers["set-cookie"]);

    const before = Date.now();
    const flashedByB = await request(server, "/flash?m=for%20B");
    const cookieOfB = flashedByB.headers["set-cookie"]?.[0]?.split(";")[0] ?? "";
    const idTimeOfB = flashIdTime(cookieOfB.slice("flash.".length, cookieOfB.indexOf("=")));
    expect(idTimeOfB).toBeGreaterThanOrEqual(before);
    expect(idTimeOfB).toBeLessThanOrEqual(Date.now());

    const readByA = await request(server, "/json", clientA.join("; "));
    expect(JSON.parse(readByA.body)).toEqual([
      ["info", "from the fast instance"],
      ["info", "after it"],
    ]);
    // B's cookie captured and replayed past maxAge (1 s) is refused on the server.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const replay = await request(server, "/json", cookieOfB);
    expect(JSON.parse(replay.body)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('the "__Host-" prefix', () => {
  it("is refused at start-up without secure: true, with a domain or with another path, saying what to set", () => {
    const config = expect.objectContaining({ name: "FlashError", code: "ERR_FLASH_CONFIG" });
    expect(() => flash({ secret: SECRET, cookie: { prefix: "__Host-flash." } })).toThrowError(config);
    expect(() => flash({ secret: SECRET, cookie: { prefix: "__Host-flash." } })).toThrowError(
      /"__Host-" cookie prefix needs secure: true, path "\/" and no domain/,
    );
    expect(() =>
      flash({ secret: SECRET, cookie: { prefix: "__host-flash.", secure: true, domain: "example.com" } }),
    ).toThrowError(config);
    expect(() =>
      flash({ secret: SECRET, cookie: { prefix: "__Host-flash.", secure: true, path: "/app" } }),
    ).toThrowError(config);
    expect(() => flash({ secret: SECRET, cookie: { prefix: "__Secure-flash." } })).toThrowError(
      /"__Secure-" cookie prefix needs secure: true/,
    );
    expect(() => flash({ secret: SECRET, cookie: { prefix: "__Secure-flash.", secure: true } })).not.toThrow();
  });

  it("writes host-only Secure cookies, and ignores flash cookies a sibling subdomain could set", async () => {
    const { server } = await serve({ secret: SECRET, cookie: { prefix: "__Host-flash.", secure: true } });
    const flashed = await request(server, "/flash?m=hello");
    const [setCookie = ""] = flashed.headers["set-cookie"] ?? [];
    expect(setCookie).toMatch(
      /^__Host-flash\.\w{17}=[\w-]+\.[\w-]{43}; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax; Priority=Low$/,
    );
    const own = setCookie.split(";")[0]!;
    // A sibling can set `flash.<id>` for the parent domain, even validly signed with a captured
    // value, but a browser never lets it set a `__Host-` cookie: the store reads only those.
    const tossed = flashCookie("tossed by a sibling");
    const reply = await request(server, "/json", `${tossed}; ${own}`);
    expect(JSON.parse(reply.body)).toEqual([["info", "hello"]]);
  });
});
