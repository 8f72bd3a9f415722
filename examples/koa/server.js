/**
 * flashkit/koa in a small Koa app (Koa 2 or 3): a form posts, the handler flashes and redirects, the
 * next page shows the message once. An error handler installed after flash() turns a failure into a
 * flashed message too.
 *
 * Run: `npm run build && FLASH_SECRET=$(openssl rand -base64 32) node examples/koa/server.js`
 * - `PORT` (default 3003; 0 picks a free port) and `HOST` (default 127.0.0.1);
 * - `FLASH_SECRET`: signs the flash cookies, at least 32 bytes; without it a random one is made for
 *   this process, with a warning (and with `NODE_ENV=production` the app refuses to start).
 */
import { FlashError } from "flashkit";
import { flash } from "flashkit/koa";
import { escapeHtml, PLAIN_CSS, renderFlashMessages } from "flashkit/render";
import Koa from "koa";

const port = Number(process.env.PORT ?? 3003);
const host = process.env.HOST || "127.0.0.1";

const app = new Koa();
try {
  app.use(flash({ secret: process.env.FLASH_SECRET }));
} catch (error) {
  if (!(error instanceof FlashError)) throw error;
  console.error(`flashkit koa example: ${error.message}`);
  process.exit(1);
}

// Installed after flash(), so what it flashes is committed like any other message.
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    ctx.flash(`Something went wrong: ${error instanceof Error ? error.message : String(error)}`, "error");
    ctx.redirect("/");
  }
});

app.use(async (ctx) => {
  if (ctx.method === "GET" && ctx.path === "/") {
    // ctx.state is what view engines (koa-views, @ladjs/koa-views) render with: get_flashed_messages
    // is there, with Flask's arguments.
    const messages = ctx.state.get_flashed_messages(true);
    ctx.type = "html";
    ctx.body = page(renderFlashMessages(messages, { theme: "plain" }));
  } else if (ctx.method === "POST" && ctx.path === "/update_profile") {
    const name = new URLSearchParams(await readBody(ctx.req)).get("name")?.trim();
    if (name) ctx.flash(`Profile updated successfully, ${name}!`, "success");
    else ctx.flash("Please enter your name.", "error");
    ctx.redirect("/");
  } else if (ctx.method === "POST" && ctx.path === "/fail") {
    throw new Error("this route always fails");
  }
});

/** @param {string} flashes the rendered messages */
function page(flashes) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>flashkit + Koa</title><style>${PLAIN_CSS}</style></head>
<body>
<h1>${escapeHtml("flashkit + Koa")}</h1>
${flashes}
<form method="post" action="/update_profile">
  <label>Name <input name="name" autofocus></label>
  <button>Update profile</button>
</form>
<form method="post" action="/fail"><button>Fail on purpose</button></form>
</body>
</html>`;
}

/**
 * The request body as text (Koa has no body parser built in; koa-bodyparser does the same).
 * @param {import("node:http").IncomingMessage} req
 */
async function readBody(req) {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 64 * 1024) throw new Error("form too large");
  }
  return text;
}

const server = app.listen(port, host, () => {
  const address = server.address();
  console.log(`flashkit koa example running at http://${host}:${typeof address === "object" ? address?.port : port}/`);
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
