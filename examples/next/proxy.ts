import type { NextRequest } from "next/server";
import { proxy as flashProxy } from "./lib/flash";

// Consumes the messages of each page request and hands them to the render (docs/next.md).
export function proxy(request: NextRequest) {
  return flashProxy(request);
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)"] };
