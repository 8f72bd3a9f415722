import { describe, expect, it } from "vitest";
import { fakeRequest } from "../../test/helpers.js";
import { memoryStore } from "../stores/memory.js";
import { createFlash } from "./create-flash.js";
import { assignTemplateFunctions, flashFunction, flaskArguments, templateFunctions } from "./request-api.js";

describe("flaskArguments", () => {
  it("reads positional, keyword (other keys ignored) and mixed arguments like Flask", () => {
    expect(flaskArguments([])).toEqual({ withCategories: false, categoryFilter: [] });
    expect(flaskArguments([true])).toEqual({ withCategories: true, categoryFilter: [] });
    expect(flaskArguments([true, ["error"]])).toEqual({ withCategories: true, categoryFilter: ["error"] });
    expect(flaskArguments([{ __keywords: true, with_categories: true }])).toEqual({
      withCategories: true,
      categoryFilter: [],
    });
    expect(flaskArguments([{ __keywords: true, category_filter: ["a", "b"] }])).toEqual({
      withCategories: false,
      categoryFilter: ["a", "b"],
    });
    expect(flaskArguments([true, { __keywords: true, category_filter: ["x"] }])).toEqual({
      withCategories: true,
      categoryFilter: ["x"],
    });
    expect(() => flaskArguments([false, 5])).toThrowError(TypeError);
  });

  it("takes a plain keyword object, with or after positional arguments", () => {
    expect(flaskArguments([{ with_categories: true, category_filter: "error" }])).toEqual({
      withCategories: true,
      categoryFilter: ["error"],
    });
    expect(flaskArguments([true, { category_filter: ["x"] }])).toEqual({ withCategories: true, categoryFilter: ["x"] });
    expect(flaskArguments([false, ["a"], { with_categories: true }])).toEqual({
      withCategories: true,
      categoryFilter: ["a"],
    });
  });
});

describe("request functions", () => {
  it("give adapters a callable flash with now/keep/peek and templates both spellings", () => {
    const jar = createFlash({ store: memoryStore() }).open(fakeRequest());
    const flash = flashFunction(jar);
    flash("a");
    flash("b", "error");
    flash.now("c", "info");
    expect(flash.peek()).toEqual(["a", "b", "c"]);
    const templates = templateFunctions(jar);
    expect(templates.get_flashed_messages({ __keywords: true, category_filter: ["error"] })).toEqual(["b"]);
    expect(templates.getFlashedMessages({ withCategories: true, categoryFilter: ["info"] })).toEqual([["info", "c"]]);
  });

  it("runs beforeFlash before each flash() (not now()) and sets template functions on a given object", () => {
    const jar = createFlash({ store: memoryStore() }).open(fakeRequest());
    const calls: string[] = [];
    const flash = flashFunction(jar, () => calls.push(`before, ${jar.peek().length} held`));
    flash("a");
    flash.now("b");
    flash("c", "error");
    expect(calls).toEqual(["before, 0 held", "before, 2 held"]);
    const locals = { user: "ada" };
    const same = assignTemplateFunctions(locals, jar);
    expect(same).toBe(locals);
    expect(Object.keys(locals)).toEqual(["user", "get_flashed_messages", "getFlashedMessages"]);
    expect(same.get_flashed_messages(true)).toEqual([
      ["message", "a"],
      ["message", "b"],
      ["error", "c"],
    ]);
  });
});

describe("flashFunction().save", () => {
  it("saves its own request's jar through one function shared by every request, and refuses a detached call", async () => {
    const flash = createFlash({ store: memoryStore() });
    const first = fakeRequest();
    const second = fakeRequest();
    const a = flashFunction(flash.open(first));
    const b = flashFunction(flash.open(second));
    expect(a.save).toBe(b.save);
    a("only the first");
    await a.save();
    expect(first.setCookies).toHaveLength(1);
    expect(second.setCookies).toEqual([]);
    expect(() => a("late")).toThrowError(expect.objectContaining({ code: "ERR_FLASH_ALREADY_SAVED" }));
    const { save } = b;
    await expect(save()).rejects.toThrowError(/call flash\.save\(\) as a method/);
  });
});
