import { NO_LOSS_ROUTES } from "flashkit/testing/no-loss";

export default defineEventHandler((event) =>
  serveRoute(
    event,
    NO_LOSS_ROUTES.find((route) => route.path === "/read"),
  ),
);
