/**
 * Runs conformance scenarios against a server (real Flask, or flashkit's conformance server) and
 * records what each request returned: a transcript, the shape of
 * test/fixtures/conformance/expected-public.json.
 *
 * Each scenario gets a fresh browser from `flashkit/testing` (its cookie jar honours Path, Max-Age
 * and Expires as a browser does) and makes its requests one after another, carrying the cookies.
 */
import { createBrowserClient } from "flashkit/testing";

/** @typedef {import("./generate.js").Scenario} Scenario */

/**
 * One request of a transcript. The cookie fields describe Flask's single session cookie; for
 * flashkit's one cookie per message they read "some cookie".
 * @typedef {object} TranscriptRequest
 * @property {unknown[]} ops what was sent
 * @property {number} status
 * @property {unknown[] | null} results one per op, `null` unless the status is 200 with `{"results"}`
 * @property {boolean} set_cookie whether the response had a `Set-Cookie` header
 * @property {boolean} session_deleted whether it set a cookie the client no longer holds afterwards
 * @property {boolean} session_after whether the client holds a cookie afterwards
 * @property {string} [error] what went wrong when `results` is `null`
 */

/** @typedef {{ scenarios: { name: string, requests: TranscriptRequest[] }[] }} Transcript */

/**
 * Runs every scenario against `baseUrl`, one at a time. Rejects when the server cannot be reached;
 * an HTTP error is recorded in the transcript (`status`, `error`), where the comparison finds it.
 *
 * @param {string} baseUrl the server's origin, e.g. `http://127.0.0.1:5000`
 * @param {readonly { name: string, requests: readonly (readonly unknown[])[] }[]} scenarios
 * @returns {Promise<Transcript>}
 * @example
 * const transcript = await runScenarios(server.url, generateScenarios(12345, 50));
 */
export async function runScenarios(baseUrl, scenarios) {
  /** @type {Transcript["scenarios"]} */
  const recorded = [];
  for (const scenario of scenarios) {
    const browser = createBrowserClient(baseUrl);
    /** @type {TranscriptRequest[]} */
    const requests = [];
    for (const ops of scenario.requests) {
      let response;
      try {
        response = await browser.fetch("/do", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ ops }),
        });
      } catch (error) {
        throw new Error(`scenario "${scenario.name}": POST ${baseUrl}/do failed`, { cause: error });
      }
      const held = new Set(browser.cookies().map((cookie) => cookie.name));
      const setCookies = response.headers.getSetCookie();
      const text = await response.text();
      /** @type {TranscriptRequest} */
      const request = {
        ops: [...ops],
        status: response.status,
        results: null,
        set_cookie: setCookies.length > 0,
        session_deleted: setCookies.some((header) => !held.has(header.slice(0, header.indexOf("=")).trim())),
        session_after: held.size > 0,
      };
      const results = response.status === 200 ? parseResults(text) : undefined;
      if (results) request.results = results;
      else request.error = `HTTP ${response.status}: ${text.slice(0, 300)}`;
      requests.push(request);
    }
    recorded.push({ name: scenario.name, requests });
  }
  return { scenarios: recorded };
}

/**
 * The `results` of a `{"results": [...]}` body, `undefined` for anything else.
 * @param {string} text
 */
function parseResults(text) {
  try {
    const body = JSON.parse(text);
    return Array.isArray(body?.results) ? /** @type {unknown[]} */ (body.results) : undefined;
  } catch {
    return undefined;
  }
}
