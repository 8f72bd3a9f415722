"use client";
/**
 * The client part of flashkit/next's `<FlashMessages>`: shows the server-rendered container, starts
 * flashkit/client on it, hides a render the router restores from its history (back/forward), and
 * refreshes once after a server action's `redirect()` so the proxy consumes what that render showed.
 */
import { useRouter } from "next/navigation.js";
import { createElement, type ReactElement, useEffect, useState } from "react";
import { bootstrap4, bootstrap5, Flash, plain, tailwind } from "../client/index.js";

/** Props of {@link FlashView}, set by flashkit/next's `<FlashMessages>`. */
export interface FlashViewProps {
  /** Names the list of messages shown (their ids): the router may restore a render shown before. */
  token: string;
  /** The container with the messages, from flashkit/render. */
  html: string;
  /** The same container without messages, shown for a render seen before. */
  emptyHtml: string;
  /** Whether what is shown still has to be consumed (Next rendered it inside a server action's request). */
  pending: boolean;
}

/** Lists shown in this page's life: the router restores old renders on back/forward. */
const shown = new Set<string>();

/**
 * Shows one server render of the flash container, once.
 *
 * @example
 * createElement(FlashView, { key: token, token, html, emptyHtml, pending: false });
 */
export function FlashView({ token, html, emptyHtml, pending }: FlashViewProps): ReactElement {
  const router = useRouter();
  const [seenBefore] = useState(() => shown.has(token));
  useEffect(() => {
    Flash.start({ themes: [bootstrap5, bootstrap4, tailwind, plain] });
  }, []);
  useEffect(() => {
    shown.add(token);
    if (pending && !seenBefore) router.refresh();
  }, [token, pending, seenBefore, router]);
  return createElement("div", {
    style: { display: "contents" },
    // biome-ignore lint/security/noDangerouslySetInnerHtml: flashkit/render's markup, every message escaped
    dangerouslySetInnerHTML: { __html: seenBefore ? emptyHtml : html },
  });
}
