import { CONFORMANCE_ROUTES } from "flashkit/testing/protocol";
import { endpoint } from "../routes";

export const POST = endpoint(CONFORMANCE_ROUTES.find((route) => route.path === "/do"));
