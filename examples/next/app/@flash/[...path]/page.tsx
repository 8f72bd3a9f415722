import { FlashMessages } from "../../../lib/flash";

// flashkit/render's Bootstrap 5 markup; the client part runs flashkit/client on it.
export default function Flash() {
  return <FlashMessages theme="bootstrap5" />;
}
