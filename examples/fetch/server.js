/**
 * flashkit/fetch: one Fetch API handler, `(request) => Response`, with flash messages. Here it runs on
 * Node through @hono/node-server; the very same `handler` runs on:
 *
 * - Bun:   `Bun.serve({ fetch: handler, port: 3005 })`
 * - Deno:  `Deno.serve({ port: 3005 }, handler)`
 * - Cloudflare Workers: `export default { fetch: handler }` (extra arguments such as `env` and `ctx`
 *   reach your handler unchanged; read the secret with `import { env } from "cloudflare:workers"`).
 *
 * Where `node:crypto` is absent (Workers, browsers) the cookies are signed with Web Crypto.
 *
 * Run: `npm run build && FLASH_SECRET=$(openssl rand -base64 32) node examples/fetch/server.js`
 * - `PORT` (default 3005; 0 picks a free port) and `HOST` (default 127.0.0.1);
 * - `FLASH_SECRET`: signs the flash cookies, at least 32 bytes; without it a random one is made for
 *   this process, with a warning (and with `NODE_ENV=production` the app refuses to start).
 */
import { serve } from "@hono/node-server";
import { FlashError } from "flashkit";
import { flashOf, withFlash } from "flashkit/fetch";
import { PLAIN_CSS, renderFlashMessages } from "flashkit/render";

const port = Number(process.env.PORT ?? 3005);
const host = process.env.HOST || "127.0.0.1";

/** The app: a page, a form handler, and a route that fails. @param {Request} request */
async function app(request) {
  const { pathname } = new URL(request.url);
  const flash = flashOf(request);
  if (request.method === "POST" && pathname === "/update_profile") {
    const name = String((await request.formData()).get("name") ?? "").trim();
    if (name) flash(`Profile updated successfully, ${name}!`, "success");
    else flash("Please enter your name.", "error");
    // Response.redirect() has immutable headers: withFlash copies it to add the cookies.
    return Response.redirect(new URL("/", request.url), 303);
  }
  if (request.method === "GET" && pathname === "/") {
    const messages = renderFlashMessages(flash.getFlashedMessages({ withCategories: true }), { theme: "plain" });
    return new Response(page(messages), { headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  return new Response("Not found", { status: 404 });
}

/** @param {string} flashes the rendered messages */
function page(flashes) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>flashkit + fetch</title><style>${PLAIN_CSS}</style></head>
<body>
<h1>flashkit + the Fetch API</h1>
${flashes}
<form method="post" action="/update_profile">
  <label>Name <input name="name" autofocus></label>
  <button>Update profile</button>
</form>
</body>
</html>`;
}

/** @type {(request: Request) => Promise<Response>} */
let handler;
try {
  handler = withFlash(app, { secret: process.env.FLASH_SECRET });
} catch (error) {
  if (!(error instanceof FlashError)) throw error;
  console.error(`flashkit fetch example: ${error.message}`);
  process.exit(1);
}

const server = serve({ fetch: handler, port, hostname: host }, (info) => {
  console.log(`flashkit fetch example running at http://${host}:${info.port}/`);
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
