import { CONFORMANCE_ROUTES } from "flashkit/testing/protocol";
import { conformance, routeHandler } from "../../lib/flash";

export const POST = routeHandler(conformance, CONFORMANCE_ROUTES.find((route) => route.path === "/do")!);
