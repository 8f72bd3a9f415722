/**
 * The browser plugin of flashkit/nuxt: a client-side navigation hides the messages of the page left,
 * and once the new page is in place reads those pending (if a component shows messages). Hydration
 * reads nothing: the server's render came with its messages in the payload.
 */
import { defineNuxtPlugin, type NuxtApp, useRouter } from "nuxt/app";
import type { Ref } from "vue";
import { clientState, messagesState, refreshMessages, warn } from "./use-flash.js";

/** Starts a read after a navigation, when a mounted component shows messages. */
function refreshIfShown(nuxtApp: NuxtApp, state: Ref<[string, unknown][] | undefined>): void {
  const client = clientState(nuxtApp);
  if (client.stale && client.users > 0) void refreshMessages(nuxtApp, state).catch(warn);
}

export default defineNuxtPlugin({
  name: "flashkit",
  setup(nuxtApp) {
    const client = clientState(nuxtApp);
    const state = messagesState();
    useRouter().afterEach((to, from, failure) => {
      if (failure || nuxtApp.isHydrating || from.matched.length === 0) return;
      client.stale = true;
      if (state.value !== undefined && state.value.length > 0) state.value = [];
      // The same page with another query keeps its components: no page:finish follows.
      if (to.path === from.path) refreshIfShown(nuxtApp, state);
    });
    nuxtApp.hook("page:finish", () => refreshIfShown(nuxtApp, state));
  },
});
