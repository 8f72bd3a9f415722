/**
 * Type tests for flashkit/react-router: `npm run typecheck` fails if a line marked `@ts-expect-error`
 * compiles. The app's categories type every helper through the generic (or `Register`): a helper of a
 * category the app does not have takes no message at all.
 */

import { describe, expectTypeOf, it } from "vitest";
import { createReactRouterFlash } from "../src/adapters/react-router.js";
import type { FlashPair } from "../src/index.js";
import { memoryStore } from "../src/index.js";

type AppFlashes = { success: string; error: string; toast: { title: string } };

describe("react-router adapter", () => {
  it("types the helpers by the app's categories", () => {
    // Checked by the compiler only: one request commits once, so these calls are not run.
    const check = async () => {
      const flash = createReactRouterFlash<AppFlashes>({ store: memoryStore() });
      const request = new Request("http://app.test/");
      expectTypeOf(await flash.redirectWithSuccess(request, "/", "Saved")).toEqualTypeOf<Response>();
      // @ts-expect-error "warning" is not a category of AppFlashes
      await flash.redirectWithWarning(request, "/", "Careful");
      // @ts-expect-error a success message is a string
      await flash.dataWithSuccess(request, null, { title: "Hi" });
      await flash.redirectWithFlash(request, "/", { title: "Hi" }, "toast");
      // @ts-expect-error a toast is an object with a title
      await flash.redirectWithFlash(request, "/", "Hi", "toast");
      const result = await flash.dataWithError({ request, context: {} }, { username: "ada" }, "Invalid");
      expectTypeOf(result.data).toEqualTypeOf<{ username: string }>();
      const { messages } = await flash.getFlashes(request);
      expectTypeOf(messages).toEqualTypeOf<FlashPair<AppFlashes>[]>();
      const requestFlash = await flash.flashOf(request);
      requestFlash({ title: "Hi" }, "toast");
      // @ts-expect-error "info" is not a category of AppFlashes
      requestFlash("Hi", "info");
    };
    expectTypeOf(check).toBeFunction();
  });
});
