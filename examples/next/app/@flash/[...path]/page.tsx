import type { RenderOptions } from "flashkit/render";
import { FlashMessages } from "../../../lib/flash";

// flashkit/render's Bootstrap 5 markup; the client part runs flashkit/client on it (close, focus, live region).
const render: RenderOptions = { theme: "bootstrap5", closeLabel: "Close" };

export default function Flash() {
  return <FlashMessages {...render} />;
}
