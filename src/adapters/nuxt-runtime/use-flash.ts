/**
 * `useFlash()` of flashkit/nuxt (auto-imported by the module): the messages of the current page, read
 * once per server render or client-side navigation and shared by every component that asks.
 */
import { type NuxtApp, useNuxtApp, useState } from "nuxt/app";
import { type ComputedRef, computed, getCurrentScope, onScopeDispose, type Ref } from "vue";
import { FlashError } from "../../core/errors.js";
import type { FlashFunction } from "../../core/request-api.js";
import type { CategoryOf, FlashMap, FlashPair, RegisteredFlashes } from "../../core/types.js";

/** What {@link useFlash} returns. */
export interface NuxtFlash<M extends FlashMap = RegisteredFlashes> {
  /**
   * The page's messages as `[category, message]` pairs, oldest first (Flask's
   * `get_flashed_messages(with_categories=true)`): read on the server during the render and hydrated
   * from Nuxt's payload, then read again after each client-side navigation.
   */
  readonly messages: ComputedRef<FlashPair<M, CategoryOf<M>>[]>;
  /**
   * Reads the messages pending now (the module's endpoint, consuming them), for a page that stays
   * where it is: after a `$fetch()` to a server route that flashed. Resolves once they are shown.
   */
  refresh(): Promise<void>;
}

/** The state key of the page's messages in Nuxt's payload. */
export const FLASH_STATE_KEY = "flashkit:messages";

/** A server render of a payload (`/_payload.json`) reads no message: only a page load shows them. */
const PAYLOAD_PATH = /\/_payload\.js(?:on)?(?:\?.*)?$/;

/** The browser side of one Nuxt app: what the client plugin and the composable share. */
interface ClientState {
  /** How many mounted components use the messages (a navigation refreshes only for them). */
  users: number;
  /** Whether the messages shown belong to a page left since. */
  stale: boolean;
  inFlight: Promise<void> | undefined;
}

const CLIENTS = new WeakMap<NuxtApp, ClientState>();

/** The browser side of `nuxtApp`, made on first use. @internal */
export function clientState(nuxtApp: NuxtApp): ClientState {
  let state = CLIENTS.get(nuxtApp);
  if (state === undefined) {
    state = { users: 0, stale: false, inFlight: undefined };
    CLIENTS.set(nuxtApp, state);
  }
  return state;
}

/** The page's messages in Nuxt's state (`undefined` until read); call it where Nuxt's context is. @internal */
export function messagesState(): Ref<[string, unknown][] | undefined> {
  return useState<[string, unknown][] | undefined>(FLASH_STATE_KEY, () => undefined);
}

/**
 * Reads the pending messages from the module's endpoint (consuming them) into the page's state,
 * once at a time. @internal
 */
export function refreshMessages(nuxtApp: NuxtApp, state: Ref<[string, unknown][] | undefined>): Promise<void> {
  const client = clientState(nuxtApp);
  client.inFlight ??= (async () => {
    client.stale = false;
    const config = nuxtApp.$config as unknown as {
      app: { baseURL: string };
      public: { flashkit: { endpoint: string } };
    };
    const url = `${config.app.baseURL.replace(/\/$/, "")}${config.public.flashkit.endpoint}`;
    try {
      const response = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      const { messages } = (await response.json()) as { messages: [string, unknown][] };
      state.value = messages;
    } finally {
      client.inFlight = undefined;
    }
  })();
  return client.inFlight;
}

/**
 * The flash messages of the current page. During a server render, the first call reads (and
 * consumes) the request's messages, which Nuxt's payload then carries to the browser; in the browser,
 * a call after a client-side navigation reads those pending then from the module's endpoint.
 * Components share one list: call it in as many as you like.
 *
 * @typeParam M - the app's categories, when it does not type them through `Register`.
 * @example
 * <script setup lang="ts">
 * const { messages } = useFlash();
 * </script>
 * <template>
 *   <p v-for="([category, message], i) in messages" :key="i" :class="category">{{ message }}</p>
 * </template>
 */
export function useFlash<M extends FlashMap = RegisteredFlashes>(): NuxtFlash<M> {
  const nuxtApp = useNuxtApp();
  const state = messagesState();
  const event = nuxtApp.ssrContext?.event;
  if (event) {
    if (state.value === undefined) {
      const flash = (event.context as { flashkit?: FlashFunction<FlashMap> }).flashkit;
      if (flash === undefined) {
        throw new FlashError(
          "ERR_FLASH_CONFIG",
          'flashkit/nuxt: the request has no flash jar: add "flashkit/nuxt" to `modules` in nuxt.config.ts',
        );
      }
      state.value = PAYLOAD_PATH.test((event as { path?: string }).path ?? "")
        ? []
        : (flash.getFlashedMessages({ withCategories: true }) as [string, unknown][]);
    }
  } else if (nuxtApp.ssrContext === undefined) {
    const client = clientState(nuxtApp);
    if (getCurrentScope()) {
      client.users += 1;
      onScopeDispose(() => {
        client.users -= 1;
      });
    }
    if (state.value === undefined || client.stale) void refreshMessages(nuxtApp, state).catch(warn);
  }
  return {
    messages: computed(() => (state.value ?? []) as FlashPair<M, CategoryOf<M>>[]),
    refresh: () => refreshMessages(nuxtApp, state),
  };
}

/** A failed read after a navigation leaves the messages pending for the next one. @internal */
export function warn(error: unknown): void {
  console.warn("flashkit/nuxt: could not read the flash messages:", error);
}
