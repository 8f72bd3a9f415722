import { CONFORMANCE_ROUTES } from "flashkit/testing/protocol";
import { endpoint } from "../routes";

export const GET = endpoint(CONFORMANCE_ROUTES.find((route) => route.path === "/health"));
