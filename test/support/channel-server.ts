// A protocol-level test server for the streaming sub-protocols (exec, attach, port-forward): an
// HTTP(S) server on loopback whose upgrades are answered by the test — refused with a status and
// body, or accepted as a WebSocket with the first offered sub-protocol the server "speaks" — and a
// script per connection that plays the server side of the channel protocol.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** An upgrade request as the server saw it. */
export interface SeenUpgrade {
  url: URL;
  headers: IncomingMessage['headers'];
  /** Impersonate-Group and other repeated headers, each line on its own. */
  rawHeaders: string[];
  offered: string[];
}

/** How the server answers one upgrade. */
export type UpgradeAnswer =
  | { refuse: { status: number; body: string; contentType?: string } }
  | { accept: (ws: WebSocket, protocol: string, seen: SeenUpgrade) => void | Promise<void>; protocol?: string };

/** A running channel server. */
export interface ChannelServer {
  url: string;
  upgrades: SeenUpgrade[];
  /** Server-side sockets still open. */
  openSockets(): number;
  close(): Promise<void>;
}

/** The sub-protocols a v1.20 kubelet speaks for exec (no v5, no v2/v3 over WebSocket). */
export const KUBELET_120_PROTOCOLS = [
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'channel.k8s.io',
  'base64.channel.k8s.io',
];

/**
 * Starts a server; `answer` decides per upgrade. With `speaks`, the accepted sub-protocol is the
 * first offered one in that list (a refusal with 403 when none is, as the kubelet's handshake);
 * an answer's own `protocol` wins (to test a server that answers with one never offered).
 */
export async function startChannelServer(
  answer: (seen: SeenUpgrade) => UpgradeAnswer,
  options: { speaks?: string[]; tls?: ServerOptions } = {},
): Promise<ChannelServer> {
  const upgrades: SeenUpgrade[] = [];
  const sockets = new Set<Socket>();
  const server: Server = options.tls ? createHttpsServer(options.tls) : createHttpServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => false });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const seen: SeenUpgrade = {
      url: new URL(req.url ?? '/', 'http://x'),
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      offered,
    };
    upgrades.push(seen);
    let a = answer(seen);
    let protocol: string | undefined;
    if ('accept' in a) {
      protocol = a.protocol ?? (options.speaks ? offered.find((p) => options.speaks!.includes(p)) : offered[0]);
      if (protocol === undefined && options.speaks) {
        a = { refuse: { status: 403, body: `requested protocol(s) are not supported: ${offered.join(' ')}` } };
      }
    }
    if ('refuse' in a) {
      const body = Buffer.from(a.refuse.body);
      socket.end(
        `HTTP/1.1 ${a.refuse.status} Refused\r\ncontent-type: ${a.refuse.contentType ?? 'text/plain'}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString()}`,
      );
      return;
    }
    const accept = a.accept;
    // ws would refuse a protocol that was not offered; write the 101 ourselves through its hook.
    wss.once('headers', (headers: string[]) => {
      for (let i = headers.length - 1; i >= 0; i--)
        if (/^sec-websocket-protocol:/i.test(headers[i]!)) headers.splice(i, 1);
      if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      void accept(ws, protocol ?? '', seen);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    upgrades,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Sends `[channel, ...data]` as one binary message. */
export function sendFrame(ws: WebSocket, channel: number, data: string | Uint8Array = ''): void {
  ws.send(Buffer.concat([Buffer.from([channel]), typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)]));
}

/** The v4 exit Status for an exit code (what the kubelet writes on channel 3). */
export function exitStatus(code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [sh -c exit ${code}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export { WebSocket };
