import { flash } from "flashkit/h3";

export default defineEventHandler(async (event) => {
  await flash(event, "Pong from a server route", "info");
  return { pong: true };
});
