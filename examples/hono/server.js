/**
 * flashkit/hono in a small Hono app on Node (through @hono/node-server): a form posts, the handler
 * flashes and redirects, and the layout of Hono's JSX renderer shows the message once, reading it
 * through useRequestContext(). The same app runs unchanged on Bun, Deno and Cloudflare Workers
 * (export `app` instead of calling serve), where the cookies are signed with Web Crypto.
 *
 * Run: `npm run build && FLASH_SECRET=$(openssl rand -base64 32) node examples/hono/server.js`
 * - `PORT` (default 3004; 0 picks a free port) and `HOST` (default 127.0.0.1);
 * - `FLASH_SECRET`: signs the flash cookies, at least 32 bytes; without it a random one is made for
 *   this process, with a warning (and with `NODE_ENV=production` the app refuses to start).
 */
import { serve } from "@hono/node-server";
import { FlashError } from "flashkit";
import { flash } from "flashkit/hono";
import { PLAIN_CSS, renderFlashMessages } from "flashkit/render";
import { Hono } from "hono";
import { html, raw } from "hono/html";
import { jsxRenderer, useRequestContext } from "hono/jsx-renderer";

const port = Number(process.env.PORT ?? 3004);
const host = process.env.HOST || "127.0.0.1";

const app = new Hono();
try {
  app.use(flash({ secret: process.env.FLASH_SECRET }));
} catch (error) {
  if (!(error instanceof FlashError)) throw error;
  console.error(`flashkit hono example: ${error.message}`);
  process.exit(1);
}

app.use(
  jsxRenderer(
    ({ children }) => {
      // Any component under the renderer can read the messages the same way.
      const messages = useRequestContext().var.getFlashedMessages({ withCategories: true });
      return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>flashkit + Hono</title><style>${raw(PLAIN_CSS)}</style></head>
<body>
<h1>flashkit + Hono</h1>
${raw(renderFlashMessages(messages, { theme: "plain" }))}
${children}
</body>
</html>`;
    },
    { docType: false },
  ),
);

app.get("/", (c) =>
  c.render(html`<form method="post" action="/update_profile">
  <label>Name <input name="name" autofocus></label>
  <button>Update profile</button>
</form>
<form method="post" action="/fail"><button>Fail on purpose</button></form>`),
);

app.post("/update_profile", async (c) => {
  const name = String((await c.req.parseBody()).name ?? "").trim();
  if (name) c.var.flash(`Profile updated successfully, ${name}!`, "success");
  else c.var.flash("Please enter your name.", "error");
  return c.redirect("/");
});

app.post("/fail", () => {
  throw new Error("this route always fails");
});

// A handler that throws still commits (as Flask does on a 500): the message flashed here shows on
// the next page.
app.onError((error, c) => {
  c.var.flash(`Something went wrong: ${error.message}`, "error");
  return c.redirect("/");
});

const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
  console.log(`flashkit hono example running at http://${host}:${info.port}/`);
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
