import bootstrapHref from "bootstrap/dist/css/bootstrap.min.css?url";
import { bootstrap5, Flash } from "flashkit/client";
import { renderFlashMessages } from "flashkit/render";
import { useEffect } from "react";
import {
  data,
  Link,
  Links,
  type LoaderFunctionArgs,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
} from "react-router";
import { middleware as flashMiddleware, getFlashes } from "./flash.server";

export const middleware = [flashMiddleware];

export const links = () => [{ rel: "stylesheet", href: bootstrapHref }];

/** Every pending message, rendered on the server, and the headers that consume them. */
export async function loader(args: LoaderFunctionArgs) {
  const { messages, headers } = await getFlashes(args);
  return data({ flashes: renderFlashMessages(messages, { theme: "bootstrap5" }) }, { headers });
}

/** Read on every navigation, so a message shows on the next page only, as in Flask. */
export const shouldRevalidate = () => true;

export default function App() {
  const { flashes } = useLoaderData<typeof loader>();
  useEffect(() => {
    Flash.start({ themes: [bootstrap5] });
  }, []);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>flashkit + React Router</title>
        <Meta />
        <Links />
      </head>
      <body>
        <nav className="navbar navbar-expand bg-body-tertiary mb-4">
          <div className="container">
            <Link className="navbar-brand" to="/">
              flashkit + React Router
            </Link>
            <div className="navbar-nav">
              <Link className="nav-link" to="/login" prefetch="intent">
                Log in
              </Link>
              <Link className="nav-link" to="/profile" prefetch="intent">
                Profile
              </Link>
            </div>
          </div>
        </nav>
        <main className="container">
          {/* Rendered by flashkit/render on the server: the same string hydrates, the client script takes it over. */}
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: renderFlashMessages escapes every message */}
          <div dangerouslySetInnerHTML={{ __html: flashes }} />
          <Outlet />
        </main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
