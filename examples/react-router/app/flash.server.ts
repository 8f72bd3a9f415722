/**
 * flashkit for this app: the root's middleware and the helpers the routes use, signed with
 * FLASH_SECRET (at least 32 bytes; without it a random secret with a warning, and in production the
 * first request fails with a message saying to set it).
 */
import { createReactRouterFlash } from "flashkit/react-router";

type AppFlashes = { success: string; error: string; info: string; warning: string };

export const { middleware, getFlashes, redirectWithSuccess, redirectWithError, dataWithError } =
  createReactRouterFlash<AppFlashes>({ secret: process.env.FLASH_SECRET });
