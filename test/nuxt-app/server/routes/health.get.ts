import { CONFORMANCE_ROUTES } from "flashkit/testing/protocol";

export default defineEventHandler((event) =>
  serveRoute(
    event,
    CONFORMANCE_ROUTES.find((route) => route.path === "/health"),
  ),
);
