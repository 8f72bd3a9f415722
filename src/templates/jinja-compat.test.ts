import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { installJinjaCompat } from "./jinja-compat.js";

// The layer's behaviour is tested through flashkit/nunjucks in nunjucks.test.ts; here, that it stands alone.
describe("installJinjaCompat", () => {
  it("gives an environment Jinja's {% with %}, escaping, truthiness and trailing newline, and no flash globals", () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    expect(installJinjaCompat(env)).toBe(env);
    expect(
      env.renderString("{% with m = [] %}{% if m %}y{% else %}n{% endif %}{{ q }}{% endwith %}\n", { q: '"' }),
    ).toBe("n&#34;");
    expect(() => env.getGlobal("get_flashed_messages")).toThrow();
  });
});
