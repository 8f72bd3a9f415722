import { CONFORMANCE_NOT_FOUND } from "flashkit/testing/protocol";
import { toResponse } from "flashkit/testing/routes";

const notFound = () => toResponse(CONFORMANCE_NOT_FOUND);

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
