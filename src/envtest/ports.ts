// Free loopback ports, picked by binding to port 0 and reading back what the kernel chose.
import { createServer } from 'node:net';

/**
 * Returns `count` distinct free TCP ports on 127.0.0.1.
 *
 * @example
 * const [clientPort, peerPort] = await freePorts(2);
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const addr = s.address();
    if (addr === null || typeof addr === 'string') throw new Error('could not read back a free port');
    return addr.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}
