// An HTTP-to-HTTPS reverse proxy in front of kube-apiserver that injects the faults a real server
// cannot make on demand: cut watch streams in the middle of an event, stall all traffic, refuse
// connections, and answer with 429 (Retry-After) or 500 for a while. Clients talk plain HTTP to it
// (so it can see and break individual responses); it talks TLS to the apiserver.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

/** What the proxy does with requests right now. */
export type ProxyMode = 'pass' | 'down' | 'status429' | 'status500';

/** A running fault proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Cuts every open watch response at its next chunk, halfway through the bytes (mid-event). */
  cutWatchesMidEvent(): void;
  /** Destroys every open connection at once. */
  cutAll(): void;
  /** Holds all traffic (open responses and new requests) for `ms`, then lets it flow again. */
  stall(ms: number): Promise<void>;
  /** 'down' refuses connections; 'status429' / 'status500' answer every request with that status. */
  setMode(mode: ProxyMode): void;
  /**
   * Back to the known state whatever was injected: mode `pass`, a running stall released at once
   * (its `stall()` promise resolves), pending mid-event cuts dropped, every open connection closed.
   */
  reset(): void;
  /** What the proxy is doing now (for checks that a fault left nothing behind). */
  state(): ProxyState;
  /** Counters of injected faults. */
  stats: ProxyStats;
  close(): Promise<void>;
}

/** Counters of what passed the proxy and of injected faults. */
export interface ProxyStats {
  requests: number;
  /** Watch responses cut in the middle of an event. */
  cutMidEvent: number;
  /** Connections refused while down. */
  refused: number;
  status429: number;
  status500: number;
  /** 410 Gone seen from the apiserver (as a response status or an ERROR event in a watch). */
  gone: number;
  /** Requests held during a stall. */
  stalledRequests: number;
}

/** A snapshot of the proxy's state. */
export interface ProxyState {
  mode: ProxyMode;
  stalled: boolean;
  /** Client connections open now. */
  connections: number;
  /** Responses being streamed now (watches and others). */
  streams: number;
}

interface Flow {
  watch: boolean;
  cutNext: boolean;
  upstream: IncomingMessage;
  res: ServerResponse;
}

const statusBody = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

/** Starts a proxy to `https://127.0.0.1:<upstreamPort>` trusting `caData` (PEM). */
export async function startFaultProxy(upstreamPort: number, caData: string | Buffer): Promise<FaultProxy> {
  const agent = new Agent({ ca: caData, keepAlive: true });
  const sockets = new Set<Socket>();
  const flows = new Set<Flow>();
  let mode: ProxyMode = 'pass';
  let stalled: Promise<void> | undefined;
  let endStall: (() => void) | undefined;
  const stats: ProxyStats = {
    requests: 0,
    cutMidEvent: 0,
    refused: 0,
    status429: 0,
    status500: 0,
    gone: 0,
    stalledRequests: 0,
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const up = httpsRequest(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${upstreamPort}` },
        agent,
      },
      (upstream) => {
        const flow: Flow = { watch: /[?&]watch=(true|1)/.test(req.url ?? ''), cutNext: false, upstream, res };
        flows.add(flow);
        if (upstream.statusCode === 410) stats.gone++;
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.on('data', (chunk: Buffer) => {
          if (flow.watch && chunk.includes('"code":410')) stats.gone++;
          if (flow.cutNext) {
            stats.cutMidEvent++;
            res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
            res.socket?.destroy();
            upstream.destroy();
            return;
          }
          if (!res.write(chunk)) {
            upstream.pause();
            res.once('drain', () => {
              if (!stalled) upstream.resume();
            });
          }
          if (stalled) upstream.pause();
        });
        upstream.on('end', () => res.end());
        upstream.on('error', () => res.socket?.destroy());
        upstream.on('close', () => flows.delete(flow));
        res.on('close', () => {
          flows.delete(flow);
          upstream.destroy();
        });
      },
    );
    up.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502).end();
      } else res.socket?.destroy();
    });
    req.pipe(up);
  };

  const server = createServer(async (req, res) => {
    stats.requests++;
    if (stalled) stats.stalledRequests++;
    while (stalled) await stalled;
    if (mode === 'status429' || mode === 'status500') {
      const code = mode === 'status429' ? 429 : 500;
      stats[mode]++;
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (code === 429) headers['retry-after'] = '1';
      res.writeHead(code, headers);
      res.end(
        code === 429
          ? statusBody(429, 'TooManyRequests', 'injected by the fault proxy: too many requests')
          : statusBody(500, 'InternalError', 'injected by the fault proxy: internal error'),
      );
      return;
    }
    forward(req, res);
  });
  server.on('connection', (socket) => {
    if (mode === 'down') {
      stats.refused++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };

  const cutAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    cutWatchesMidEvent() {
      for (const f of flows) if (f.watch) f.cutNext = true;
    },
    cutAll,
    async stall(ms) {
      if (stalled) throw new Error('the fault proxy is already stalled');
      let release!: () => void;
      const done = new Promise<void>((r) => {
        release = r;
      });
      stalled = done;
      const timer = setTimeout(() => endStall?.(), ms);
      endStall = () => {
        clearTimeout(timer);
        endStall = undefined;
        stalled = undefined;
        release();
        for (const f of flows) f.upstream.resume();
      };
      for (const f of flows) f.upstream.pause();
      await done;
    },
    setMode(m) {
      mode = m;
      if (m === 'down') cutAll();
    },
    reset() {
      mode = 'pass';
      endStall?.();
      for (const f of flows) f.cutNext = false;
      cutAll();
    },
    state: () => ({ mode, stalled: stalled !== undefined, connections: sockets.size, streams: flows.size }),
    close: () =>
      new Promise<void>((r) => {
        endStall?.();
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => r());
      }),
  };
}
