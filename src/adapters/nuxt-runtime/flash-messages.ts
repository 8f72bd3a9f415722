/**
 * `<FlashMessages>` of flashkit/nuxt (registered by the module): the page's messages rendered by
 * flashkit/render (the container, even empty) and taken over by flashkit/client (dismiss, Escape,
 * live regions, auto-dismiss of success and info when asked).
 */
import { defineComponent, h, onMounted, type PropType } from "vue";
import { bootstrap4, bootstrap5, Flash, plain, tailwind } from "../../client/index.js";
import { renderFlashMessages, type ThemeName } from "../../render/index.js";
import { useFlash } from "./use-flash.js";

/**
 * Shows the page's flash messages in flashkit's container, Bootstrap 5 markup by default.
 *
 * @example
 * <template>
 *   <FlashMessages theme="tailwind" />
 *   <NuxtPage />
 * </template>
 */
export const FlashMessages = defineComponent({
  name: "FlashMessages",
  props: {
    /** The markup: `bootstrap5`, `bootstrap4`, `tailwind` or `plain`. @default "bootstrap5" */
    theme: { type: String as PropType<ThemeName>, default: "bootstrap5" },
    /** Per-level text before each message (escaped), so that colour is not the only signal. @default flashkit's */
    prefixes: { type: Object as PropType<Record<string, string>>, default: undefined },
  },
  setup(props) {
    const { messages } = useFlash();
    onMounted(() => {
      Flash.start({ themes: [bootstrap5, bootstrap4, tailwind, plain] });
    });
    return () =>
      h("div", {
        style: "display: contents",
        innerHTML: renderFlashMessages(messages.value, {
          theme: props.theme,
          ...(props.prefixes ? { prefixes: props.prefixes } : {}),
        }),
      });
  },
});

export default FlashMessages;
