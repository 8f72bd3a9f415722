/**
 * flashkit/h3 in a small h3 v2 app on Node: the seed tutorial's two flows (a login with a wrong
 * password shows "Invalid username or password"; updating the profile shows "Profile updated
 * successfully!"), each message flashed before a redirect and shown once on the next page, in
 * Bootstrap 5 markup that flashkit/client makes closable. The same handlers run on h3 v1 (Nitro 2,
 * Nuxt 4's server routes) with `createApp()`/`createRouter()` and `sendRedirect(event, url)`.
 *
 * Run: `npm run build && FLASH_SECRET=$(openssl rand -base64 32) node examples/h3/server.js`
 * - `PORT` (default 3007; 0 picks a free port) and `HOST` (default 127.0.0.1);
 * - `FLASH_SECRET`: signs the flash cookies, at least 32 bytes; without it a random one is made for
 *   this process, with a warning (and with `NODE_ENV=production` the app refuses to start).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { FlashError } from "flashkit";
import { createH3Flash } from "flashkit/h3";
import { renderFlashMessages } from "flashkit/render";
import { H3, HTTPError, redirect, toNodeHandler } from "h3";

const port = Number(process.env.PORT ?? 3007);
const host = process.env.HOST || "127.0.0.1";

/** @type {import("flashkit/h3").H3Flash} */
let kit;
try {
  kit = createH3Flash({ secret: process.env.FLASH_SECRET });
} catch (error) {
  if (!(error instanceof FlashError)) throw error;
  console.error(`flashkit h3 example: ${error.message}`);
  process.exit(1);
}
const { middleware, flash, getFlashedMessages } = kit;

const require = createRequire(import.meta.url);
const assets = {
  "/vendor/bootstrap.min.css": ["text/css", readFileSync(require.resolve("bootstrap/dist/css/bootstrap.min.css"))],
  "/vendor/flashkit-client.js": [
    "text/javascript",
    readFileSync(require.resolve("flashkit/client/browser/flashkit-client.bootstrap5.iife.min.js")),
  ],
};

/**
 * The page around `body`, with this request's messages (read once: Flask's get_flashed_messages).
 * `no-store`, so that back and forward load the page again instead of showing a message from the cache.
 * @param {import("h3").H3Event} event
 * @param {string} title plain text, no markup
 * @param {string} body
 */
async function page(event, title, body) {
  const messages = await getFlashedMessages(event, { withCategories: true });
  event.res.headers.set("content-type", "text/html; charset=utf-8");
  event.res.headers.set("cache-control", "no-store");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · flashkit + h3</title>
<link rel="stylesheet" href="/vendor/bootstrap.min.css">
<script src="/vendor/flashkit-client.js" defer></script>
</head>
<body>
<nav class="navbar navbar-expand bg-body-tertiary mb-4">
  <div class="container">
    <a class="navbar-brand" href="/">flashkit + h3</a>
    <div class="navbar-nav">
      <a class="nav-link" href="/login">Log in</a>
      <a class="nav-link" href="/profile">Profile</a>
    </div>
  </div>
</nav>
<main class="container">
${renderFlashMessages(messages)}
${body}
</main>
</body>
</html>`;
}

const app = new H3().use(middleware);

app.get("/", (event) =>
  page(
    event,
    "Home",
    `<h1>flashkit + h3</h1>
<p>Log in with a wrong password, or update your profile: the message shows once, after the redirect.</p>
<button class="btn btn-outline-secondary" id="prefetch" type="button">Prefetch the profile</button>
<script>
  document.getElementById("prefetch").addEventListener("click", () => {
    const link = document.createElement("link");
    link.rel = "prefetch";
    link.href = "/profile";
    document.head.append(link);
  });
</script>`,
  ),
);

app.get("/login", (event) =>
  page(
    event,
    "Log in",
    `<form method="post" action="/login" class="col-md-4">
  <h1>Log in</h1>
  <p class="text-body-secondary">The demo user is admin / secret.</p>
  <input class="form-control mb-2" name="username" id="username" placeholder="Username" required>
  <input class="form-control mb-2" name="password" id="password" type="password" placeholder="Password" required>
  <button class="btn btn-primary" type="submit">Log in</button>
</form>`,
  ),
);

app.post("/login", async (event) => {
  const form = await event.req.formData();
  if (form.get("username") !== "admin" || form.get("password") !== "secret") {
    await flash(event, "Invalid username or password", "error");
    return redirect("/login", 303);
  }
  await flash(event, "Logged in successfully!", "success");
  return redirect("/profile", 303);
});

app.get("/profile", (event) =>
  page(
    event,
    "Profile",
    `<form method="post" action="/profile" class="col-md-4">
  <h1>Profile</h1>
  <input class="form-control mb-2" name="name" id="name" placeholder="Your name" value="Ada">
  <button class="btn btn-primary" type="submit">Update profile</button>
</form>`,
  ),
);

app.post("/profile", async (event) => {
  const form = await event.req.formData();
  if (!String(form.get("name") ?? "").trim()) {
    await flash(event, "Please enter your name.", "error");
    return redirect("/profile", 303);
  }
  await flash(event, "Profile updated successfully!", "success");
  return redirect("/profile", 303);
});

// A handler that throws still commits (as Flask does on a 500): what it flashed shows on the next page.
app.post("/fail", async (event) => {
  await flash(event, "Something went wrong, and this message says so.", "error");
  throw new HTTPError({ status: 500, message: "this route always fails" });
});

app.get("/vendor/**", (event) => {
  const asset = assets[event.url.pathname];
  if (!asset) throw new HTTPError({ status: 404 });
  event.res.headers.set("content-type", asset[0]);
  return asset[1];
});

const server = createServer(toNodeHandler(app));
server.listen(port, host, () => {
  const address = server.address();
  console.log(
    `flashkit h3 example running at http://${host}:${typeof address === "object" && address ? address.port : port}/`,
  );
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
