import type { APIRoute } from "astro";
import { CONFORMANCE_NOT_FOUND } from "flashkit/testing/protocol";
import { toResponse } from "flashkit/testing/routes";

export const ALL: APIRoute = () => toResponse(CONFORMANCE_NOT_FOUND);
