/**
 * Jinja compatibility for a Nunjucks environment, so the templates of a Flask app render unchanged,
 * byte for byte: Jinja's `{% with %}...{% endwith %}`, Jinja's escaping, Jinja's truthiness of empty
 * lists and Jinja's dropped trailing newline. flashkit/nunjucks installs it; it knows nothing of
 * flash messages.
 */
import nunjucks from "nunjucks";
import { escapeHtml } from "../render/escape.js";

/** Options of {@link installJinjaCompat}. */
export interface JinjaCompatOptions {
  /**
   * Escape autoescaped output (`{{ x }}`) and the `escape`/`e`/`forceescape` filters as Jinja does:
   * `"` as `&#34;` (Nunjucks writes `&quot;`) and `\` left alone (Nunjucks writes `&#92;`).
   * Only this environment changes; nothing global in nunjucks is patched.
   * @default true
   */
  jinjaEscaping?: boolean | undefined;
  /**
   * Test conditions (`{% if %}`, `{% elif %}`, `x if c else y`, `not`, and `and`/`or` inside them)
   * as Jinja does: an empty list, an empty object and an empty SafeString are false.
   * @default true
   */
  jinjaTruthiness?: boolean | undefined;
  /**
   * Keep a single trailing newline at the end of each template. Jinja (and so Flask) drops it by
   * default (`keep_trailing_newline=False`); Nunjucks keeps it.
   * @default false
   */
  keepTrailingNewline?: boolean | undefined;
}

/** The parts of a Nunjucks environment that the public typings leave out. */
interface EnvironmentInternals {
  opts: {
    autoescape?: boolean;
    trimBlocks?: boolean;
    tags?: { blockStart?: string; blockEnd?: string };
  };
}

/** Nunjucks' AST and parser, typed as far as this module uses them. */
interface AstNode {
  readonly typename: string;
  readonly fields: readonly string[];
  lineno: number;
  colno: number;
  [field: string]: unknown;
}
type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => AstNode;
type Nodes = Record<
  | "Node"
  | "NodeList"
  | "Output"
  | "TemplateData"
  | "Symbol"
  | "If"
  | "InlineIf"
  | "Not"
  | "And"
  | "Or"
  | "Compare"
  | "Is"
  | "In"
  | "FunCall"
  | "Filter"
  | "Caller",
  NodeClass
>;
interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}
interface Parser {
  nextToken(): Token;
  peekToken(): Token;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  fail(message: string, lineno?: number, colno?: number): never;
  advanceAfterBlockEnd(name?: string): Token;
  parseUntilBlocks(...names: string[]): AstNode;
  parsePrimary(noPostfix?: boolean): AstNode;
  parseExpression(): AstNode;
}
interface Lexer {
  TOKEN_BLOCK_END: string;
  TOKEN_COMMA: string;
  TOKEN_OPERATOR: string;
}

/** The extension's name, as `env.getExtension()` knows it. */
export const NUNJUCKS_EXTENSION = "flashkit";
/** The tag the preprocessor wraps every template in, so the whole AST passes through `parse()`. */
const ROOT_TAG = "__flashkit_jinja_root__";
/** Filters the AST rewrite inserts (per environment, like every filter). */
const ESCAPE_FILTER = "__flashkit_jinja_escape__";
const TRUTHY_FILTER = "__flashkit_jinja_truthy__";

const { SafeString } = nunjucks.runtime;

/**
 * Makes a Nunjucks environment render Jinja templates as Jinja does, and returns it:
 *
 * - `{% with a = expr, b = expr %}...{% endwith %}`: Jinja's scoped assignment (values read from
 *   the outer scope, names visible only inside);
 * - Jinja-compatible escaping, truthiness and trailing newline (see {@link JinjaCompatOptions}).
 *
 * Call it before the first template is compiled: a template compiled earlier is cached without
 * the Jinja rewrites. Precompiled templates must be precompiled with this environment. The body of
 * `{% with %}` is an anonymous macro, so, as inside Nunjucks' own macros and `{% call %}`, an
 * `{% include %}` or async filter in it needs a synchronous loader. Installing it again replaces
 * the earlier installation.
 *
 * @example
 * const env = installJinjaCompat(new nunjucks.Environment(loader, { autoescape: true }));
 * env.renderString("{% with m = [] %}{% if m %}yes{% else %}no{% endif %}{% endwith %}", {}); // "no"
 */
export function installJinjaCompat(env: nunjucks.Environment, options: JinjaCompatOptions = {}): nunjucks.Environment {
  const jinjaEscaping = options.jinjaEscaping ?? true;
  const jinjaTruthiness = options.jinjaTruthiness ?? true;
  const keepTrailingNewline = options.keepTrailingNewline ?? false;
  const opts = (env as unknown as EnvironmentInternals).opts;

  if (env.hasExtension(NUNJUCKS_EXTENSION)) env.removeExtension(NUNJUCKS_EXTENSION);
  const rewrite = jinjaEscaping || jinjaTruthiness;

  const extension = {
    tags: rewrite ? ["with", ROOT_TAG] : ["with"],
    parse(parser: Parser, nodes: Nodes, lexer: Lexer): AstNode {
      const tag = parser.nextToken();
      if (tag.value !== ROOT_TAG) return parseWith(parser, nodes, lexer, tag);
      parser.advanceAfterBlockEnd(tag.value);
      // No end tag: the body runs to the end of the template.
      const body = parser.parseUntilBlocks();
      rewriteForJinja(body, nodes, { jinjaEscaping, jinjaTruthiness });
      return body;
    },
    preprocess(src: string): string {
      let source = keepTrailingNewline ? src : src.replace(/(?:\r\n|\r|\n)$/, "");
      if (rewrite) {
        // Nunjucks gives extensions no hook on the whole AST, but an extension's parse() sees
        // the AST of its tag's body: wrapping the template in one tag hands us all of it.
        // With trimBlocks the lexer eats one newline after a tag, so give it one of ours.
        const start = opts.tags?.blockStart ?? "{%";
        const end = opts.tags?.blockEnd ?? "%}";
        source = `${start} ${ROOT_TAG} ${end}${opts.trimBlocks ? "\n" : ""}${source}`;
      }
      return source;
    },
  };
  env.addExtension(NUNJUCKS_EXTENSION, extension);

  // Jinja-compatible escaping. Nunjucks escapes `{{ x }}` in runtime.suppressValue() with
  // lib.escape(), one function shared by every environment of the process; patching it (or
  // Template.prototype) would change the output of environments that never asked. Instead, the
  // AST rewrite wraps each `{{ expr }}` of this environment's templates in a filter that escapes
  // as Jinja does and returns a SafeString, which suppressValue() then leaves alone. Autoescape
  // off keeps the value raw, as before.
  env.addFilter(ESCAPE_FILTER, (value: unknown) => {
    if (!opts.autoescape || value === null || value === undefined || value instanceof SafeString) return value;
    return new SafeString(escapeHtml(String(value)));
  });
  env.addFilter(TRUTHY_FILTER, jinjaTruthy);
  if (jinjaEscaping) {
    const escapeFilter = (value: unknown) =>
      value instanceof SafeString ? value : new SafeString(escapeHtml(String(value ?? "")));
    env.addFilter("escape", escapeFilter);
    env.addFilter("e", escapeFilter);
    env.addFilter("forceescape", (value: unknown) => new SafeString(escapeHtml(String(value ?? ""))));
  }
  return env;
}

/** Jinja's truth test: Python's `bool()` for the values templates see. */
function jinjaTruthy(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return Boolean(value);
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof SafeString) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    for (const _ in value) return true;
    return false;
  }
  return true;
}

/**
 * Parses `{% with a = expr, b = expr %}body{% endwith %}` into an immediately called anonymous
 * macro, `{{ (caller(a, b){body})(expr, expr) }}`: Nunjucks' own Caller node (the one behind
 * `{% call %}`), so the body gets a new scope that still sees the outer one, sets inside stay
 * inside, and the values are evaluated in the outer scope before any name is bound, as in Jinja.
 */
function parseWith(parser: Parser, nodes: Nodes, lexer: Lexer, tag: Token): AstNode {
  const names: AstNode[] = [];
  const values: AstNode[] = [];
  while (parser.peekToken()?.type !== lexer.TOKEN_BLOCK_END) {
    if (names.length > 0 && !parser.skip(lexer.TOKEN_COMMA)) {
      parser.fail("with: expected a comma between assignments", tag.lineno, tag.colno);
    }
    const name = parser.parsePrimary(true);
    if (!isA(name, nodes.Symbol)) parser.fail("with: expected a variable name", name.lineno, name.colno);
    if (!parser.skipValue(lexer.TOKEN_OPERATOR, "=")) {
      parser.fail(`with: expected = after ${String(name["value"])}`, name.lineno, name.colno);
    }
    names.push(name);
    values.push(parser.parseExpression());
  }
  parser.advanceAfterBlockEnd(tag.value);
  const body = parser.parseUntilBlocks("endwith");
  parser.advanceAfterBlockEnd();

  const { lineno, colno } = tag;
  const scope = new nodes.Caller(
    lineno,
    colno,
    new nodes.Symbol(lineno, colno, "caller"),
    new nodes.NodeList(lineno, colno, names),
    body,
  );
  const call = new nodes.FunCall(lineno, colno, scope, new nodes.NodeList(lineno, colno, values));
  return new nodes.Output(lineno, colno, [call]);
}

interface RewriteOptions {
  jinjaEscaping: boolean;
  jinjaTruthiness: boolean;
}

/** Rewrites a parsed template in place, children first, for Jinja's escaping and truthiness. */
function rewriteForJinja(node: AstNode, nodes: Nodes, options: RewriteOptions): void {
  for (const field of node.fields) {
    const value = node[field];
    if (isA(value, nodes.Node)) rewriteForJinja(value as AstNode, nodes, options);
    else if (Array.isArray(value)) {
      for (const item of value) if (isA(item, nodes.Node)) rewriteForJinja(item as AstNode, nodes, options);
    }
  }
  const filter = (name: string, target: AstNode): AstNode => applyFilter(nodes, name, target);
  if (options.jinjaEscaping && isA(node, nodes.Output)) {
    node["children"] = (node["children"] as AstNode[]).map((child) =>
      isA(child, nodes.TemplateData) ? child : filter(ESCAPE_FILTER, child),
    );
  }
  if (!options.jinjaTruthiness) return;
  // A condition becomes a boolean by Jinja's test. `and`/`or` in a condition test each operand;
  // elsewhere (`{{ a or "none" }}`) they keep JavaScript's semantics, so nothing is evaluated twice.
  const condition = (expr: AstNode): AstNode => {
    if (isA(expr, nodes.And) || isA(expr, nodes.Or)) {
      expr["left"] = condition(expr["left"] as AstNode);
      expr["right"] = condition(expr["right"] as AstNode);
      return expr;
    }
    const alreadyBoolean =
      isA(expr, nodes.Not) ||
      isA(expr, nodes.Compare) ||
      isA(expr, nodes.Is) ||
      isA(expr, nodes.In) ||
      (isA(expr, nodes.Filter) && (expr["name"] as AstNode)["value"] === TRUTHY_FILTER);
    return alreadyBoolean ? expr : filter(TRUTHY_FILTER, expr);
  };
  if (isA(node, nodes.If) || isA(node, nodes.InlineIf)) node["cond"] = condition(node["cond"] as AstNode);
  else if (isA(node, nodes.Not)) node["target"] = condition(node["target"] as AstNode);
}

/** `target|name` as an AST node. */
function applyFilter(nodes: Nodes, name: string, target: AstNode): AstNode {
  const { lineno, colno } = target;
  return new nodes.Filter(
    lineno,
    colno,
    new nodes.Symbol(lineno, colno, name),
    new nodes.NodeList(lineno, colno, [target]),
  );
}

/** `instanceof` without narrowing: every node class builds the same structural AstNode. */
function isA(value: unknown, type: NodeClass): boolean {
  return value instanceof type;
}
