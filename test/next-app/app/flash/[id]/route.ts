import { NO_LOSS_ROUTES } from "flashkit/testing/no-loss";
import { noLoss, routeHandler } from "../../../lib/flash";

export const POST = routeHandler(noLoss, NO_LOSS_ROUTES.find((route) => route.path === "/flash/:id")!);
