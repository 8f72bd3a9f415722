/**
 * The React Router 7 test apps: the table's routes as resource routes (a module per path, its
 * `loader` for GET and `action` for POST, a splat route for the rest), served by React Router's own
 * `createRequestHandler` over a server build assembled here, as `react-router build` would emit it for
 * resource routes (no document to render, so no Vite), and bridged to a Node listener by
 * `@hono/node-server`. `reactRouterApp` flashes through the route's `request` and commits with
 * `flashHeaders()`; `reactRouterMiddlewareApp` runs flashkit's middleware (`future.v8_middleware`)
 * from the root route, which commits onto the response.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, ServerBuild } from "react-router";
import { createReactRouterFlash, type ReactRouterFlash } from "../../adapters/react-router.js";
import type { FlashMap } from "../../core/types.js";
import { BODY_LIMIT, flashApi, NOT_FOUND, type TestAppFactory, type TestRoute, toResponse } from "./routes.js";

type Args = LoaderFunctionArgs | ActionFunctionArgs;

/** Builds the React Router app that flashes through `request` (no middleware). */
export const reactRouterApp: TestAppFactory = (context) => buildApp(context, false);

/** Builds the React Router app that runs flashkit's middleware. */
export const reactRouterMiddlewareApp: TestAppFactory = (context) => buildApp(context, true);

const buildApp: (...args: [...Parameters<TestAppFactory>, boolean]) => ReturnType<TestAppFactory> = async (
  { flash, routes, notFound = NOT_FOUND },
  withMiddleware,
) => {
  const { createRequestHandler } = await import("react-router");
  const { getRequestListener } = await import("@hono/node-server");
  const kit = createReactRouterFlash<FlashMap>(flash);

  const run = async (args: Args, route: TestRoute | undefined, params: Record<string, string>): Promise<Response> => {
    try {
      if (!route) return toResponse(notFound);
      let body = "";
      if (route.body) {
        body = await args.request.text();
        if (Buffer.byteLength(body) > BODY_LIMIT)
          return Response.json({ error: "request entity too large" }, { status: 413 });
      }
      const requestFlash = await kit.flashOf(args);
      const answer = await route.handle({
        params,
        query: new URL(args.request.url).searchParams,
        body,
        flash: flashApi({
          flash: requestFlash,
          getFlashedMessages: (options) => requestFlash.getFlashedMessages(options),
        }),
      });
      return commit(kit, args, toResponse(answer));
    } catch (error) {
      return Response.json({ error: String((error as Error)?.message ?? error) }, { status: 500 });
    }
  };

  const modules: Record<string, RouteModuleOf> = {
    root: { path: "", module: withMiddleware ? { middleware: [kit.middleware] } : {} },
  };
  const byPath = new Map<string, { GET?: TestRoute; POST?: TestRoute }>();
  for (const route of routes) {
    const entry = byPath.get(route.path) ?? {};
    entry[route.method] ??= route;
    byPath.set(route.path, entry);
  }
  let index = 0;
  for (const [path, methods] of byPath) {
    modules[`routes/${index++}`] = {
      path: path.replace(/^\//, ""),
      module: {
        loader: (args: LoaderFunctionArgs) => run(args, methods.GET, args.params as Record<string, string>),
        action: (args: ActionFunctionArgs) => run(args, methods.POST, args.params as Record<string, string>),
      },
    };
  }
  modules["routes/not-found"] = {
    path: "*",
    module: {
      loader: (args: LoaderFunctionArgs) => run(args, undefined, {}),
      action: (args: ActionFunctionArgs) => run(args, undefined, {}),
    },
  };
  const handle = reactRouterHandler(createRequestHandler, modules, { middleware: withMiddleware });
  // getRequestListener passes Node's objects as a second argument, which React Router would take for its load context.
  return { handler: getRequestListener((request) => handle(request)), close: async () => {} };
};

/** A route module of {@link reactRouterHandler}, at `path` under the root (the root's path is `""`). */
export interface RouteModuleOf {
  readonly path: string;
  readonly module: Record<string, unknown>;
}

/** Options of {@link reactRouterHandler}. */
export interface ReactRouterHandlerOptions {
  /** Enables React Router's middleware (`future.v8_middleware`). */
  readonly middleware: boolean;
  /**
   * The document entry: what a request for a route with a component answers, after its loaders.
   * @default the loaders' data as JSON, with the status and headers React Router chose
   */
  readonly document?: (status: number, headers: Headers, loaderData: unknown) => Response;
}

/**
 * React Router's request handler over a server build assembled from route modules (`root` and routes
 * under it), as `react-router build` emits it minus the browser assets: loaders, actions, middleware,
 * redirects and headers go through React Router's own code; documents are answered by `document`.
 */
export function reactRouterHandler(
  create: typeof import("react-router").createRequestHandler,
  routes: Readonly<Record<string, RouteModuleOf>>,
  options: ReactRouterHandlerOptions,
): (request: Request) => Promise<Response> {
  const document =
    options.document ?? ((status, headers, loaderData) => Response.json(loaderData, { status, headers }));
  const manifest: Record<string, unknown> = {};
  for (const [id, { path, module }] of Object.entries(routes)) {
    manifest[id] = id === "root" ? { id, path, module } : { id, parentId: "root", path, module };
  }
  const build = {
    entry: {
      module: {
        default: (_request: Request, status: number, headers: Headers, context: { staticHandlerContext: unknown }) =>
          document(status, headers, (context.staticHandlerContext as { loaderData: unknown }).loaderData),
        handleError: () => {},
      },
    },
    routes: manifest,
    assets: { entry: { imports: [], module: "" }, routes: {}, url: "", version: "test" },
    publicPath: "/",
    assetsBuildDirectory: "",
    future: { v8_middleware: options.middleware },
    ssr: true,
    isSpaMode: false,
    prerender: [],
    routeDiscovery: { mode: "lazy", manifestPath: "/__manifest" },
  } as unknown as ServerBuild;
  const handle = create(build, "production");
  return (request) => handle(request);
}

/** Commits the request's flash onto its response where no middleware does. */
async function commit(kit: ReactRouterFlash<FlashMap>, args: Args, response: Response): Promise<Response> {
  for (const cookie of (await kit.flashHeaders(args)).getSetCookie()) response.headers.append("Set-Cookie", cookie);
  return response;
}
