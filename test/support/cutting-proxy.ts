// A loopback TCP proxy for fault tests: it forwards to a port, can cut every open connection, and
// can refuse new ones for a while ("down"). Used for faults a real server cannot make on demand.
import { createConnection, createServer, type Socket } from 'node:net';

/** A running proxy. */
export interface CuttingProxy {
  /** `https://127.0.0.1:<port>` (TLS passes through untouched). */
  url: string;
  /** Destroys every open connection. */
  cutAll(): void;
  /** While down, new connections are closed at once. */
  setDown(down: boolean): void;
  /** Back to the known state whatever a test did: up, and every open connection closed. */
  reset(): void;
  /** Whether new connections are refused now. */
  readonly down: boolean;
  close(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`port`. */
export async function startCuttingProxy(port: number): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = createConnection(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: own } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${own}`,
    cutAll: () => {
      for (const s of sockets) s.destroy();
    },
    setDown: (d) => {
      down = d;
    },
    reset: () => {
      down = false;
      for (const s of sockets) s.destroy();
    },
    get down() {
      return down;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
