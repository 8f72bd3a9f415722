/**
 * The cookie store on Web Crypto (Bun, Deno, edge runtimes): `#signing` resolves to the Web Crypto
 * build, so `load()` and `commit()` return promises. The whole store contract must still hold.
 */
import { expect, it, vi } from "vitest";
import { fakeRequest, SECRET, testJar } from "../../test/helpers.js";
import { describeStore, visit } from "../../test/store-suite.js";
import { createFlash } from "../core/create-flash.js";
import { cookieStore } from "./cookie.js";

vi.mock("#signing", () => import("../core/signing-web.js"));

describeStore("cookie on Web Crypto", () => cookieStore({ secret: SECRET, maxBytes: 8192, maxAddedBytes: 4098 }));

it("is asynchronous on Web Crypto and reads what it wrote", async () => {
  const store = cookieStore({ secret: SECRET });
  const browser = testJar();
  // Without a flash cookie there is nothing to verify, so even here load() does not wait.
  expect(createFlash({ store }).open(fakeRequest("theme=dark")).load()).toBeUndefined();
  const request = fakeRequest();
  const writer = createFlash({ store }).open(request);
  writer.flash("from the edge", "info");
  const committed = writer.commit();
  expect(committed).toBeInstanceOf(Promise);
  await committed;
  browser.apply(request.setCookies);
  expect(createFlash({ store }).open(fakeRequest(browser.header())).load()).toBeInstanceOf(Promise);
  let got: unknown[] = [];
  await visit(store, browser, (reader) => {
    got = reader.getFlashedMessages({ withCategories: true });
  });
  expect(got).toEqual([["info", "from the edge"]]);
});
