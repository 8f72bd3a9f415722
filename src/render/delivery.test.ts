import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asciiJson,
  FLASH_HEADER,
  flashHeaders,
  flashPayload,
  htmxTrigger,
  renderFlashMessages,
  renderOobFragment,
  renderTurboStream,
  trustedHtml,
} from "./index.js";

const HOSTILE: Array<[string, unknown]> = [
  ["error", "<img src=x onerror=alert(1)>"],
  ["success", "Grüße, 日本 😀 \u2028\u2029 \u007f \u0000 \r\n tab\t"],
  ["warning", '"quotes" \\ backslash'],
  ["x\u00e9\ud83d", "lone surrogate \udc00 in text"],
  ["info", { title: "Saved", count: 2 }],
];
const ids = { messageId: (i: number) => `d${i}` };

describe("flashPayload", () => {
  it("maps messages to { category, message, level } with duplicates collapsed", () => {
    expect(
      flashPayload([
        ["error", "Bad"],
        ["error", "Bad"],
        ["weird <cat>", 42],
        ["info", trustedHtml("<b>ok</b>")],
      ]),
    ).toEqual([
      { category: "error", message: "Bad", level: "danger" },
      { category: "weird <cat>", message: 42, level: "info" },
      { category: "info", message: "<b>ok</b>", level: "info" },
    ]);
    expect(
      flashPayload(
        [
          ["a", "x"],
          ["a", "x"],
        ],
        { collapseDuplicates: false },
      ),
    ).toHaveLength(2);
  });
});

describe("asciiJson", () => {
  it("escapes everything outside printable ASCII and round-trips through JSON.parse", () => {
    const payload = flashPayload(HOSTILE);
    const json = asciiJson(payload);
    expect(json).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(payload)));
    expect(asciiJson("ü😀\u007f")).toBe('"\\u00fc\\ud83d\\ude00\\u007f"');
    expect(() => asciiJson(undefined)).toThrow(TypeError);
  });
});

describe("flashHeaders over real HTTP", () => {
  let base = "";
  let server: ReturnType<typeof createServer>;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/naive") {
        // What flashHeaders avoids: raw non-Latin-1 text in a header is rejected by Node.
        try {
          res.setHeader(FLASH_HEADER, JSON.stringify(flashPayload(HOSTILE)));
          res.end("accepted");
        } catch (error) {
          res.end(String((error as { code?: string }).code));
        }
        return;
      }
      for (const [name, value] of Object.entries(flashHeaders(HOSTILE))) res.setHeader(name, value);
      res.end("ok");
    });
    server.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("delivers every character intact, with the header exposed to CORS", async () => {
    const res = await fetch(`${base}/`);
    expect(res.headers.get("access-control-expose-headers")).toBe(FLASH_HEADER);
    const received = JSON.parse(res.headers.get(FLASH_HEADER)!) as unknown;
    expect(received).toEqual(JSON.parse(JSON.stringify(flashPayload(HOSTILE))));
    expect((received as Array<{ message: unknown }>)[1]!.message).toBe(HOSTILE[1]![1]);
    expect(await (await fetch(`${base}/naive`)).text()).toBe("ERR_INVALID_CHAR");
  });

  it("returns no headers when there are no messages", () => {
    expect(flashHeaders([])).toEqual({});
  });
});

describe("htmxTrigger", () => {
  it("fires a flash event with the payload, ASCII only", () => {
    const value = htmxTrigger(HOSTILE)!;
    expect(value).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(value)).toEqual({ flash: JSON.parse(JSON.stringify(flashPayload(HOSTILE))) });
  });

  it("merges with the app's own HX-Trigger, in either form", () => {
    const messages: Array<[string, unknown]> = [["success", "Saved"]];
    const flash = [{ category: "success", message: "Saved", level: "success" }];
    expect(JSON.parse(htmxTrigger(messages, '{"itemSaved": {"id": 7}}')!)).toEqual({ itemSaved: { id: 7 }, flash });
    expect(JSON.parse(htmxTrigger(messages, "itemSaved, listChanged")!)).toEqual({
      itemSaved: null,
      listChanged: null,
      flash,
    });
    expect(htmxTrigger([], "itemSaved")).toBe("itemSaved");
    expect(htmxTrigger([])).toBeUndefined();
    expect(() => htmxTrigger(messages, "{not json")).toThrow(TypeError);
  });
});

describe("renderOobFragment", () => {
  it("wraps the rendered messages in an element htmx appends to #flash-messages out of band", () => {
    const messages: Array<[string, unknown]> = [
      ["error", "<b>x</b>"],
      ["success", "Saved"],
    ];
    const inner = renderFlashMessages(messages, ids).split("\n").slice(1, -1).join("\n");
    const oob = renderOobFragment(messages, ids);
    expect(oob).toBe(`<div hx-swap-oob="beforeend:#flash-messages">\n${inner}\n</div>`);
    expect(oob).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(oob).not.toContain("<b>");
    // Not a second container: the page keeps its own (and its id stays unique).
    expect(oob).not.toMatch(/id="flash-messages"|data-flash-container/);
  });

  it("renders in the given theme, with more than three messages in <details>", () => {
    const messages = [1, 2, 3, 4].map((i) => ["info", `m${i}`] as [string, string]);
    const oob = renderOobFragment(messages, { theme: "plain", ...ids });
    expect(oob).toContain('class="flash flash-info"');
    expect(oob).toContain("<summary>1 more message</summary>");
  });

  it("is empty when there are no messages", () => {
    expect(renderOobFragment([])).toBe("");
    expect(renderOobFragment([], { theme: "plain" })).toBe("");
  });
});

describe("renderTurboStream", () => {
  it("appends the rendered messages to #flash-messages", () => {
    const messages: Array<[string, unknown]> = [
      ["error", "<script>alert(1)</script>"],
      ["success", "Saved"],
    ];
    const inner = renderFlashMessages(messages, { theme: "tailwind", ...ids })
      .split("\n")
      .slice(1, -1)
      .join("\n");
    expect(renderTurboStream(messages, { theme: "tailwind", ...ids })).toBe(
      `<turbo-stream action="append" target="flash-messages"><template>\n${inner}\n</template></turbo-stream>`,
    );
    expect(inner).toContain("&lt;script&gt;");
    expect(inner).not.toContain("<script>");
  });

  it("is empty when there are no messages", () => {
    expect(renderTurboStream([])).toBe("");
  });
});
