import type { NextRequest } from "next/server";
import { conformance } from "./lib/flash";

export function proxy(request: NextRequest) {
  return conformance.proxy(request);
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
