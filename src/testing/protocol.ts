/**
 * The conformance protocol, written once for every adapter: parse and validate a `POST /do` body,
 * run its ops against one request's flash API, shape the response; and its two routes, which the
 * test app of every framework (apps/) serves.
 */
import { FlashError } from "../core/errors.js";
import type { TestFlashApi, TestRoute, TestRouteResponse } from "./apps/routes.js";

/** `{"op":"flash","message": M, "category": C}`: Flask's `flash(M, C)`; `category` absent means the default. */
export interface FlashOp {
  readonly op: "flash";
  readonly message: unknown;
  readonly category?: string;
}

/** `{"op":"get","with_categories": bool, "category_filter": [...]}`: Flask's `get_flashed_messages(...)`. */
export interface GetOp {
  readonly op: "get";
  readonly with_categories?: boolean;
  readonly category_filter?: readonly string[];
}

/** One operation of the protocol. */
export type ConformanceOp = FlashOp | GetOp;

/** The slice of a request's flash API the protocol drives; every adapter exposes these two. */
export type ConformanceFlashApi = TestFlashApi;

/** What an adapter sends back: a status and a JSON body. */
export interface ConformanceResponse {
  readonly status: number;
  readonly body: { results: unknown[] } | { error: string; code?: string };
}

/** Thrown by {@link parseOps} for a body the protocol does not allow. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

/**
 * Parses and validates a `POST /do` body: every op is checked before any runs, so a bad body changes
 * no state.
 *
 * @throws {ProtocolError} when the body is not `{"ops": [op, ...]}` with valid ops.
 * @example
 * parseOps('{"ops":[{"op":"flash","message":"hi"},{"op":"get"}]}')
 * // [{ op: "flash", message: "hi" }, { op: "get" }]
 */
export function parseOps(text: string): ConformanceOp[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProtocolError('body must be JSON: {"ops": [...]}');
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ProtocolError('body must be a JSON object {"ops": [...]}');
  }
  const ops = (body as { ops?: unknown }).ops;
  if (!Array.isArray(ops)) throw new ProtocolError('body must be a JSON object {"ops": [...]}');
  return ops.map(checkOp);
}

function checkOp(op: unknown, index: number): ConformanceOp {
  const fail = (why: string) => new ProtocolError(`op ${index}: ${why}`);
  if (typeof op !== "object" || op === null || Array.isArray(op)) throw fail("not an object");
  const record = op as Record<string, unknown>;
  if (record.op === "flash") {
    if (!("message" in record)) throw fail("flash without message");
    if ("category" in record && typeof record.category !== "string") throw fail("category must be a string");
    return record as unknown as FlashOp;
  }
  if (record.op === "get") {
    if ("with_categories" in record && typeof record.with_categories !== "boolean") {
      throw fail("with_categories must be a boolean");
    }
    const filter = record.category_filter;
    if (filter !== undefined && !(Array.isArray(filter) && filter.every((c) => typeof c === "string"))) {
      throw fail("category_filter must be a list of strings");
    }
    return record as unknown as GetOp;
  }
  throw fail(`unknown op ${JSON.stringify(record.op)}`);
}

/**
 * Runs validated ops in order inside the current request and returns one result per op: `null` for
 * a flash, the list `get_flashed_messages` returns for a get.
 *
 * @example
 * runOps([{ op: "flash", message: "hi" }, { op: "get" }], api) // [null, ["hi"]]
 */
export function runOps(ops: readonly ConformanceOp[], api: ConformanceFlashApi): unknown[] {
  return ops.map((op) => {
    if (op.op === "flash") {
      api.flash(op.message, op.category);
      return null;
    }
    return api.getFlashedMessages({
      withCategories: op.with_categories ?? false,
      categoryFilter: op.category_filter ?? [],
    });
  });
}

/**
 * The whole of `POST /do`: parse the raw body, run the ops, shape the response. A bad body is a
 * `400` with `{"error"}`; a `FlashError` (say, a message too large for a cookie) is a `422` with its
 * `code`; anything else propagates to the framework (a `500`).
 *
 * @example
 * const { status, body } = handleDo(await readText(req), api);
 * res.status(status).json(body);
 */
export function handleDo(text: string, api: ConformanceFlashApi): ConformanceResponse {
  let ops: ConformanceOp[];
  try {
    ops = parseOps(text);
  } catch (error) {
    if (error instanceof ProtocolError) return { status: 400, body: { error: error.message } };
    throw error;
  }
  try {
    return { status: 200, body: { results: runOps(ops, api) } };
  } catch (error) {
    if (error instanceof FlashError) return { status: 422, body: { error: error.message, code: error.code } };
    throw error;
  }
}

/**
 * The limits of every conformance app, Flask's: a request may flash 30 messages (Flask keeps them
 * all) and add a 4 KB cookie (the long_message scenario).
 */
export const CONFORMANCE_LIMITS = {
  /** `createFlash()`'s message limits. */
  flash: { maxMessages: 50, maxAddedMessages: 50 },
  /** The cookie store's byte budget. */
  cookie: { maxBytes: 8192, maxAddedBytes: 4098 },
} as const;

/** The `404` of every route the protocol does not define. */
export const CONFORMANCE_NOT_FOUND: TestRouteResponse = {
  status: 404,
  json: { error: "not found: the protocol has POST /do and GET /health" },
};

/**
 * The protocol's routes: `GET /health` answers `ok` and touches no state; `POST /do` reads its body as
 * text, whatever the content type (Flask's `get_json(force=True)`), and runs {@link handleDo}.
 */
export const CONFORMANCE_ROUTES: readonly TestRoute[] = [
  { method: "GET", path: "/health", handle: () => ({ type: "text/plain", text: "ok" }) },
  {
    method: "POST",
    path: "/do",
    body: true,
    handle({ body, flash }) {
      const { status, body: json } = handleDo(body, flash);
      return { status, json };
    },
  },
];
