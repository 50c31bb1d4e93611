// Forward proxies on loopback for tests: an HTTP proxy that tunnels with CONNECT (optionally
// demanding Proxy-Authorization basic credentials) and a SOCKS5 proxy (optionally with
// username/password). Both record which targets were asked for, so a test can tell whether a
// request went through the proxy or around it (NO_PROXY).
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';

/** A running proxy. */
export interface TestProxy {
  /** `http://127.0.0.1:<port>` or `socks5://127.0.0.1:<port>` (no credentials). */
  url: string;
  port: number;
  /** `host:port` of every tunnel asked for, in order (refused ones included). */
  targets: string[];
  /** Tunnels refused for missing or wrong credentials. */
  refused: number;
  close(): Promise<void>;
}

function track(sockets: Set<Socket>, s: Socket): void {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
  s.on('error', () => s.destroy());
}

/**
 * An HTTP CONNECT proxy. With `auth` ("user:password") a CONNECT without that basic
 * Proxy-Authorization is answered 407.
 *
 * @example
 * const proxy = await startConnectProxy({ auth: 'alice:secret' });
 */
export async function startConnectProxy(options: { auth?: string } = {}): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(405).end('only CONNECT');
  });
  const state = { targets: [] as string[], refused: 0 };
  server.on('connection', (s: Socket) => track(sockets, s));
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    state.targets.push(target);
    if (options.auth) {
      const expected = `Basic ${Buffer.from(options.auth).toString('base64')}`;
      if (req.headers['proxy-authorization'] !== expected) {
        state.refused++;
        client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
        );
        return;
      }
    }
    const [host, port] = splitHostPort(target);
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(sockets, upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get targets() {
      return state.targets;
    },
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function splitHostPort(target: string): [string, number] {
  const i = target.lastIndexOf(':');
  const host = target.slice(0, i).replace(/^\[|\]$/g, '');
  return [host, Number(target.slice(i + 1))];
}

/** Reads exactly `n` bytes from a paused socket's stream of chunks. */
function reader(socket: Socket): (n: number) => Promise<Buffer> {
  let buffered = Buffer.alloc(0);
  let want: { n: number; resolve: (b: Buffer) => void } | undefined;
  const pump = () => {
    if (want && buffered.length >= want.n) {
      const out = buffered.subarray(0, want.n);
      buffered = buffered.subarray(want.n);
      const w = want;
      want = undefined;
      w.resolve(out);
    }
  };
  const onData = (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    pump();
  };
  socket.on('data', onData);
  return (n: number) =>
    new Promise<Buffer>((resolve) => {
      want = { n, resolve };
      pump();
    });
}

/**
 * A SOCKS5 proxy (RFC 1928, CONNECT only). With `auth` ("user:password") it demands RFC 1929
 * username/password authentication.
 *
 * @example
 * const proxy = await startSocks5Proxy();
 */
export async function startSocks5Proxy(options: { auth?: string } = {}): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const state = { targets: [] as string[], refused: 0 };
  const server = createNetServer((client) => {
    track(sockets, client);
    const read = reader(client);
    void (async () => {
      const [, nMethods] = await read(2);
      const methods = [...(await read(nMethods!))];
      const wanted = options.auth ? 2 : 0;
      if (!methods.includes(wanted)) {
        state.refused++;
        client.end(Buffer.from([5, 0xff]));
        return;
      }
      client.write(Buffer.from([5, wanted]));
      if (options.auth) {
        const [, ulen] = await read(2);
        const user = (await read(ulen!)).toString();
        const [plen] = await read(1);
        const pass = (await read(plen!)).toString();
        const ok = `${user}:${pass}` === options.auth;
        client.write(Buffer.from([1, ok ? 0 : 1]));
        if (!ok) {
          state.refused++;
          client.end();
          return;
        }
      }
      const [, , , atyp] = await read(4);
      let host: string;
      if (atyp === 1) host = [...(await read(4))].join('.');
      else if (atyp === 3) host = (await read((await read(1))[0]!)).toString();
      else host = '::1';
      if (atyp === 4) await read(16);
      const port = (await read(2)).readUInt16BE(0);
      state.targets.push(`${host}:${port}`);
      client.removeAllListeners('data');
      const upstream = connect(port, host, () => {
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
        upstream.pipe(client);
        client.pipe(upstream);
      });
      track(sockets, upstream);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    })().catch(() => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `socks5://127.0.0.1:${port}`,
    port,
    get targets() {
      return state.targets;
    },
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
