/**
 * `startServer()`: listen on 127.0.0.1 and get back the URL and a `close()` that really ends.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running server from {@link startServer}. */
export interface StartedServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** The port listened on (the one picked by the system when `0` was asked). */
  readonly port: number;
  /** The underlying Node server. */
  readonly server: Server;
  /** Stops listening and closes every connection (idle keep-alive ones and any still in flight). */
  close(): Promise<void>;
}

/**
 * Starts `app` (a request listener, or a Node server not yet listening) on `127.0.0.1`.
 *
 * @param port - `0` (the default) picks a free port.
 * @example
 * const server = await startServer(await createConformanceApp({ adapter: "express" }));
 * console.log(server.url); // http://127.0.0.1:40123
 * await server.close();
 */
export async function startServer(app: RequestListener | Server, port = 0): Promise<StartedServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError(`port must be a whole number from 0 to 65535, got ${port}`);
  }
  const server = typeof app === "function" ? createServer(app) : app;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", fail);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    server,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
