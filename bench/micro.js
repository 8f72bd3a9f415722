/**
 * The micro half of `npm run bench` (issue 6), in one process and without a load generator; each
 * part is a module of its own:
 *
 * - `codec` (bench/codec.js): the time one message costs to sign, encode, verify and decode;
 * - `wire` (bench/wire.js): the bytes one message adds to the flashing response and the next request;
 * - `capacity` (bench/capacity.js): how many 40-character messages fit under the 4 KB cookie limit;
 * - `client` (bench/client-size.js): the sizes of flashkit/client's browser scripts;
 * - `environment` (bench/environment.js): where it ran.
 *
 * The peer apps the wire and capacity parts talk to are in bench/peers.js. bench/run.js calls
 * {@link runMicro} and {@link microMarkdown}; `node bench/micro.js [--quick]` runs it alone and
 * prints the Markdown and the JSON.
 */
import { pathToFileURL } from "node:url";
import { capacityMarkdown, measureCapacity } from "./capacity.js";
import { clientMarkdown, measureClient } from "./client-size.js";
import { codecMarkdown, measureCodec } from "./codec.js";
import { describeEnvironment, environmentMarkdown } from "./environment.js";
import { measureWire, wireMarkdown } from "./wire.js";

/**
 * @typedef {object} MicroResult
 * @property {import("./codec.js").CodecResult} codec
 * @property {import("./wire.js").WireResult} wire
 * @property {import("./capacity.js").CapacityResult} capacity
 * @property {import("./client-size.js").ClientResult} client
 * @property {import("./environment.js").MicroEnvironment} environment
 */

/**
 * Runs the micro benchmarks; `quick` runs fewer iterations, for a smoke run.
 *
 * @param {{ quick?: boolean }} [options]
 * @returns {Promise<MicroResult>} a plain, JSON-serialisable object
 * @example
 * const result = await runMicro({ quick: true });
 * console.log(microMarkdown(result));
 */
export async function runMicro(options = { quick: false }) {
  const quick = Boolean(options?.quick);
  const environment = describeEnvironment(quick);
  const codec = await measureCodec(quick);
  const wire = await measureWire();
  const capacity = await measureCapacity();
  const client = await measureClient();
  return { codec, wire, capacity, client, environment };
}

/**
 * Renders a {@link runMicro} result as Markdown: one `###` section per part, each with a table.
 *
 * @param {MicroResult} result
 * @returns {string}
 * @example
 * await writeFile("bench/results.md", microMarkdown(await runMicro()));
 */
export function microMarkdown(result) {
  const { codec, wire, capacity, client, environment } = result;
  const sections = [
    codecMarkdown(codec, environment.versions.tinybench),
    wireMarkdown(wire),
    capacityMarkdown(capacity),
    clientMarkdown(client),
    environmentMarkdown(environment),
  ];
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runMicro({ quick: process.argv.includes("--quick") });
  process.stdout.write(`${microMarkdown(result)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
