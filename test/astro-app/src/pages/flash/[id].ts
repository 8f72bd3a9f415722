import { NO_LOSS_ROUTES } from "flashkit/testing/no-loss";
import { endpoint } from "../../routes";

export const POST = endpoint(NO_LOSS_ROUTES.find((route) => route.path === "/flash/:id"));
