import type { ReactNode } from "react";
import { conformance } from "../lib/flash";

const { FlashMessages } = conformance;

// The messages in the root layout, without an @flash slot: a client-side navigation with messages
// pending becomes a page load (test/browser/next.test.ts).
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <FlashMessages />
        {children}
      </body>
    </html>
  );
}
