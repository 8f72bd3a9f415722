import { CONFORMANCE_NOT_FOUND } from "flashkit/testing/protocol";

/** The protocol's paths: any other request gets its JSON 404 (Nuxt's renderer would answer a page). */
const PATHS = /^\/(?:do|health|read|flash\/[^/]+|_flashkit\/messages)$/;

export default defineEventHandler((event) => {
  if (!PATHS.test(getRequestURL(event).pathname)) return send(event, CONFORMANCE_NOT_FOUND);
});
