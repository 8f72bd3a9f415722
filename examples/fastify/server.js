/**
 * flashkit/fastify in a small Fastify 5 app: a form posts, the handler flashes and redirects, the
 * next page shows the message once (a Flask-style Nunjucks template through @fastify/view).
 *
 * Run: `npm run build && FLASH_SECRET=$(openssl rand -base64 32) node examples/fastify/server.js`
 * - `PORT` (default 3002; 0 picks a free port) and `HOST` (default 127.0.0.1);
 * - `FLASH_SECRET`: signs the flash cookies, at least 32 bytes; without it a random one is made for
 *   this process, with a warning (and with `NODE_ENV=production` the app refuses to start);
 * - `FLASH_STORE=session`: keep the messages in @fastify/session instead (under `_flashes`, as Flask
 *   does), with `SESSION_SECRET` (32+ characters) signing the session cookie.
 */
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import fastifySession from "@fastify/session";
import fastifyView from "@fastify/view";
import Fastify from "fastify";
import { FlashError, sessionStore } from "flashkit";
import { flash } from "flashkit/fastify";
import { installFlash } from "flashkit/nunjucks";
import { flashLevel } from "flashkit/render";
import nunjucks from "nunjucks";

const port = Number(process.env.PORT ?? 3002);
const host = process.env.HOST || "127.0.0.1";
const useSession = process.env.FLASH_STORE === "session";

const app = Fastify();
await app.register(fastifyFormbody);
// installFlash gives Nunjucks Jinja's {% with %} and escaping, so a Flask template renders unchanged;
// get_flashed_messages() itself comes from reply.locals, where flashkit/fastify puts it. The
// flash_level filter maps a category to a fixed set of levels ("error" → "danger", anything unknown →
// "info") before it reaches a class attribute.
await app.register(fastifyView, {
  engine: { nunjucks },
  root: join(dirname(fileURLToPath(import.meta.url)), "views"),
  options: { onConfigure: (env) => installFlash(env).addFilter("flash_level", flashLevel) },
});

try {
  if (useSession) {
    // flashkit goes before @fastify/session: both write in onSend, and the messages must be in the
    // session before @fastify/session saves it (flashkit refuses the other order at start-up).
    await app.register(fastifyCookie);
    await app.register(flash({ store: sessionStore() }));
    await app.register(fastifySession, {
      secret: process.env.SESSION_SECRET || randomBytes(32).toString("hex"),
      saveUninitialized: false,
      cookie: { secure: process.env.NODE_ENV === "production" },
    });
  } else {
    await app.register(flash({ secret: process.env.FLASH_SECRET }));
  }
} catch (error) {
  if (!(error instanceof FlashError)) throw error;
  console.error(`flashkit fastify example: ${error.message}`);
  process.exit(1);
}

app.get("/", (_request, reply) => reply.view("index.njk", { store: useSession ? "session" : "cookie" }));

app.post("/update_profile", (request, reply) => {
  const name = String(request.body?.name ?? "").trim();
  if (name === "") request.flash("Please enter a name.", "error");
  else request.flash(`Profile updated successfully, ${name}!`, "success");
  return reply.redirect("/", 303);
});

const address = await app.listen({ port, host });
console.log(`flashkit fastify example (${useSession ? "session" : "cookie"} store) listening on ${address}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
