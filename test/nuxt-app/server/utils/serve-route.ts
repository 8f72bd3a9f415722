import { useFlash } from "flashkit/h3";
import type { TestRoute, TestRouteResponse } from "flashkit/testing/routes";
import type { H3Event } from "h3";

/** Answers `event` with one route of flashkit's test apps, over the request's flash function. */
export async function serveRoute(event: H3Event, route: TestRoute | undefined): Promise<unknown> {
  if (route === undefined) throw new Error("no such test route");
  const flash = await useFlash(event);
  const url = getRequestURL(event);
  const answer = await route.handle({
    params: (event.context.params ?? {}) as Record<string, string>,
    query: url.searchParams,
    body: route.body ? ((await readRawBody(event, "utf8")) ?? "") : "",
    flash: {
      flash: (message, category) =>
        category === undefined ? flash(message as never) : flash(message as never, category as never),
      getFlashedMessages: (options) => flash.getFlashedMessages(options),
    },
  });
  return send(event, answer);
}

/** Sends a test route's answer: JSON, text or nothing, with its status and headers. */
export function send(event: H3Event, answer: TestRouteResponse): unknown {
  setResponseStatus(event, answer.status ?? 200);
  for (const [name, value] of Object.entries(answer.headers ?? {})) setResponseHeader(event, name, value);
  if ("json" in answer) {
    setResponseHeader(event, "content-type", "application/json");
    return JSON.stringify(answer.json);
  }
  if (answer.text === undefined) return null;
  const type = answer.type ?? "text/plain";
  const full = type.includes("/") ? type : type === "html" ? "text/html" : `text/${type}`;
  setResponseHeader(event, "content-type", full.includes("charset") ? full : `${full}; charset=utf-8`);
  return answer.text;
}
