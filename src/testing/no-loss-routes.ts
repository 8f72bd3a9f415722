/**
 * The no-loss workload's routes (no-loss.ts runs the workload), runtime-neutral: the Node test apps
 * serve them, the workerd tests bundle them into a Worker.
 */
import type { TestRoute } from "./apps/routes.js";

/** A random 0–15 ms wait, for the routes of an app under the no-loss workload. */
export const noLossPause = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 16)));

/**
 * The workload's routes: `POST /flash/:id` flashes `id` (one-argument form) and answers `null`;
 * `GET /read` answers the messages read. Each waits {@link noLossPause}.
 */
export const NO_LOSS_ROUTES: readonly TestRoute[] = [
  {
    method: "POST",
    path: "/flash/:id",
    async handle({ params, flash }) {
      flash.flash(params.id);
      await noLossPause();
      return { json: null };
    },
  },
  {
    method: "GET",
    path: "/read",
    async handle({ flash }) {
      await noLossPause();
      return { json: flash.getFlashedMessages() };
    },
  },
];
