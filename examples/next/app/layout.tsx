import "bootstrap/dist/css/bootstrap.min.css";
import Link from "next/link";
import type { ReactNode } from "react";

export const metadata = { title: "flashkit + Next.js" };

// `flash` is the @flash parallel route: it matches every URL, so it renders on every navigation.
export default function RootLayout({ children, flash }: { children: ReactNode; flash: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav className="navbar navbar-expand bg-body-tertiary mb-4">
          <div className="container">
            <Link className="navbar-brand" href="/">
              flashkit
            </Link>
            <div className="navbar-nav">
              <Link className="nav-link" href="/login">
                Log in
              </Link>
              <Link className="nav-link" href="/profile">
                Profile
              </Link>
            </div>
          </div>
        </nav>
        <main className="container">
          {flash}
          {children}
        </main>
      </body>
    </html>
  );
}
