/**
 * The fetch-adapter conformance app: one `(request) => Response` handler wrapped by `withFlash`,
 * `flashOf(request)` handed to the shared interpreter, bridged to a Node listener by
 * `@hono/node-server`.
 */
import { flashOf, withFlash } from "../../adapters/fetch.js";
import { type ConformanceFlashApi, handleDo, NOT_FOUND } from "../protocol.js";
import type { ConformanceAdapterFactory, NodeHandler } from "./types.js";

/** Builds the fetch protocol app. */
export const fetchAdapter: ConformanceAdapterFactory = async ({ flash }) => {
  const { getRequestListener } = await import("@hono/node-server");
  const handler = withFlash(async (request: Request) => {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/health") return new Response("ok");
    if (request.method !== "POST" || pathname !== "/do") {
      return Response.json(NOT_FOUND.body, { status: NOT_FOUND.status });
    }
    // Flask reads the body with get_json(force=True): any content type, parsed as JSON.
    const text = await request.text();
    const requestFlash = flashOf(request);
    const api: ConformanceFlashApi = {
      flash: (message, category) => (category === undefined ? requestFlash(message) : requestFlash(message, category)),
      getFlashedMessages: (options) => requestFlash.getFlashedMessages(options),
    };
    const { status, body } = handleDo(text, api);
    return Response.json(body, { status });
  }, flash);
  return getRequestListener(async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      return Response.json({ error: String((error as Error)?.message ?? error) }, { status: 500 });
    }
  }) as NodeHandler;
};
