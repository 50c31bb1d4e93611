// Port-forwarding to a pod, as `kubectl port-forward` does it (client-go's tools/portforward),
// over the apiserver's WebSocket port-forward endpoint: a local listener per port, and for each
// accepted connection one WebSocket (`/portforward?ports=<remote>`, sub-protocol
// v4.channel.k8s.io) whose channel 0 carries the data and channel 1 the errors, each starting
// with the port number (2 bytes, little endian), as the kubelet writes them.
import { setMaxListeners } from 'node:events';
import type { Server, Socket } from 'node:net';
import type { Config } from '../../rest/config.js';
import { ConfigError } from '../../rest/errors.js';
import { toLogger } from '../../util/log/global.js';
import { type WebSocketDialer, webSocketDialerFor } from '../../rest/websocket.js';
import { ChannelConnection } from '../remotecommand/channels.js';
import { podSubresourceUrl } from '../remotecommand/exec.js';

/** The sub-protocol of WebSocket port-forwarding (the kubelet also answers none and v4.base64). */
export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';

/**
 * Data from the pod queued for a local client beyond this stops reading from its stream until the
 * client has taken it (the kubelet sends up to 32 KiB per frame).
 */
const LOCAL_WRITE_BACKLOG = 1024 * 1024;

/** Largest error message read from a connection's error channel. */
const MAX_ERROR_BYTES = 64 * 1024;

/** A local port and the pod port it forwards to (0 as local: pick a free one). */
export interface PortMapping {
  local: number;
  remote: number;
}

/** A bound forward. */
export interface ForwardedPort extends PortMapping {
  /** The local address it listens on. */
  address: string;
}

/**
 * An error of one forwarded connection: the pod refused or dropped it (nothing listens on the
 * port, the pod is gone) or the upgrade was refused. Other connections go on.
 *
 * @example
 * portForward(config, { namespace, pod, ports: ['8080'], onError: (e) => console.error(e.remotePort, e.message) });
 */
export class PortForwardError extends Error {
  override readonly name = 'PortForwardError';
  constructor(
    /** The pod port of the connection. */
    readonly remotePort: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What to forward. */
export interface PortForwardOptions {
  namespace: string;
  pod: string;
  /**
   * Ports as kubectl takes them: `8080` (same both sides), `'5000:80'` (local:remote), `':80'` or
   * `'0:80'` (a free local port), or `{ local, remote }`.
   */
  ports: Array<number | string | PortMapping>;
  /** Local addresses to listen on (default `127.0.0.1`). */
  address?: string | string[];
  /** Stops forwarding: listeners close and every connection is dropped. */
  signal?: AbortSignal;
  /** Errors of single connections (default: one line on the config's logger or stderr). */
  onError?: (err: PortForwardError) => void;
}

/**
 * Parses kubectl's port syntax.
 *
 * @example
 * parsePortMapping('8080'); // { local: 8080, remote: 8080 }
 * parsePortMapping(':80');  // { local: 0, remote: 80 }
 */
export function parsePortMapping(spec: number | string | PortMapping): PortMapping {
  if (typeof spec === 'object') return checkMapping(spec.local ?? 0, spec.remote, JSON.stringify(spec));
  if (typeof spec === 'number') return checkMapping(spec, spec, String(spec));
  const parts = spec.split(':');
  if (parts.length === 1) return checkMapping(toPort(parts[0]!, spec), toPort(parts[0]!, spec), spec);
  if (parts.length === 2)
    return checkMapping(parts[0] === '' ? 0 : toPort(parts[0]!, spec), toPort(parts[1]!, spec), spec);
  throw new ConfigError(`invalid port format ${JSON.stringify(spec)}: use PORT, LOCAL:REMOTE or :REMOTE`);
}

function toPort(text: string, spec: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new ConfigError(`invalid port ${JSON.stringify(text)} in ${JSON.stringify(spec)}`);
  return Number(text);
}

function checkMapping(local: number, remote: number, spec: string): PortMapping {
  if (!Number.isInteger(local) || local < 0 || local > 65535) throw new ConfigError(`invalid local port in ${spec}`);
  if (!Number.isInteger(remote) || remote < 1 || remote > 65535)
    throw new ConfigError(`invalid remote port in ${spec}`);
  return { local, remote };
}

/**
 * A running port-forward: `ready` resolves with the bound ports, `close()` (or the signal) stops
 * it, `done` resolves once everything is closed.
 *
 * @example
 * const pf = portForward(config, { namespace: 'ns', pod: 'web', ports: [':80'] });
 * const [{ local }] = await pf.ready;
 * await fetch(`http://127.0.0.1:${local}/`);
 * await pf.close();
 */
export class PortForwarder {
  /** Resolves with the bound ports once every listener is up; rejects when one cannot bind. */
  readonly ready: Promise<ForwardedPort[]>;
  /** Resolves once the forwarder is closed and every connection has ended. */
  readonly done: Promise<void>;
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly conns = new Set<ChannelConnection>();
  private readonly dial: WebSocketDialer;
  private closed = false;
  /** Connections accepted and not yet fully ended (including those still dialing). */
  private active = 0;
  private readonly stop = new AbortController();
  private finish!: () => void;
  private readonly onError: (err: PortForwardError) => void;

  constructor(
    private readonly config: Config,
    private readonly options: PortForwardOptions,
  ) {
    const mappings = options.ports.map(parsePortMapping);
    if (mappings.length === 0) throw new ConfigError('port-forward needs at least one port');
    // Build the URL once up front so bad names fail here, not per connection.
    podSubresourceUrl(config, options.namespace, options.pod, 'portforward', { ports: [mappings[0]!.remote] });
    this.dial = webSocketDialerFor(config);
    // Every connection still dialing listens on this signal: many at once is normal here.
    setMaxListeners(0, this.stop.signal);
    const log = toLogger(config.logger);
    this.onError =
      options.onError ?? ((e) => log.error(`an error occurred forwarding to port ${e.remotePort}: ${e.message}`));
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    const addresses = Array.isArray(options.address) ? options.address : [options.address ?? '127.0.0.1'];
    this.ready = Promise.all(mappings.flatMap((m) => addresses.map((address) => this.listen(m, address)))).catch(
      async (err: unknown) => {
        await this.close();
        throw err;
      },
    );
    this.ready.catch(() => undefined);
    if (options.signal?.aborted) void this.close();
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** How many forwarded connections are open. */
  get connections(): number {
    return this.sockets.size;
  }

  private listen(mapping: PortMapping, address: string): Promise<ForwardedPort> {
    return new Promise((resolve, reject) => {
      // node:net on first use (importing the pods client should not load it).
      const server = process
        .getBuiltinModule('node:net')
        .createServer({ pauseOnConnect: true }, (socket) => this.forward(socket, mapping.remote));
      this.servers.push(server);
      server.once('error', reject);
      server.listen(mapping.local, address, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        const bound = server.address();
        const local = typeof bound === 'object' && bound ? bound.port : mapping.local;
        resolve({ local, remote: mapping.remote, address });
      });
    });
  }

  private report(remote: number, message: string, cause?: unknown): void {
    if (this.closed) return;
    this.onError(new PortForwardError(remote, message, { cause }));
  }

  private async forward(socket: Socket, remote: number): Promise<void> {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    this.active++;
    socket.on('error', () => undefined);
    let localGone = false;
    socket.once('close', () => {
      localGone = true;
      this.sockets.delete(socket);
    });
    const url = podSubresourceUrl(this.config, this.options.namespace, this.options.pod, 'portforward', {
      ports: [remote],
    });
    let ws: Awaited<ReturnType<WebSocketDialer>>['ws'];
    try {
      ({ ws } = await this.dial(url, { protocols: [PORT_FORWARD_PROTOCOL], signal: this.stop.signal }));
    } catch (err) {
      this.report(remote, `cannot open a stream to port ${remote}: ${(err as Error).message}`, err);
      socket.destroy();
      this.ended();
      return;
    }
    if (this.closed || localGone) {
      ws.terminate();
      socket.destroy();
      this.ended();
      return;
    }
    const prefix = [2, 2]; // bytes of the port number still to strip per channel
    const errorChunks: Buffer[] = [];
    let errorBytes = 0;
    let protocolError = '';
    let draining = false;
    const conn: ChannelConnection = new ChannelConnection(ws, {
      onFrame: (channel, data) => {
        if (channel > 1) {
          protocolError = `the server sent a frame on channel ${channel}; port-forward has 0 (data) and 1 (error)`;
          return conn.terminate(protocolError);
        }
        const strip = Math.min(prefix[channel]!, data.length);
        if (strip > 0) {
          prefix[channel]! -= strip;
          data = data.subarray(strip);
        }
        if (data.length === 0) return;
        if (channel === 1) {
          errorBytes += data.length;
          if (errorBytes <= MAX_ERROR_BYTES) errorChunks.push(Buffer.from(data));
          return;
        }
        // Pausing whenever write() says so (the socket's 16 KiB mark, below one 32 KiB frame)
        // stops and restarts reading after every frame: wait only for a real backlog.
        socket.write(data);
        if (!draining && socket.writableLength > LOCAL_WRITE_BACKLOG) {
          draining = true;
          conn.pause();
          socket.once('drain', () => {
            draining = false;
            conn.resume();
          });
        }
      },
      onMalformed: (what) => {
        protocolError = `the server sent ${what}`;
        conn.terminate(protocolError);
      },
      onEnd: (end) => {
        this.conns.delete(conn);
        socket.off('data', onData);
        const message = Buffer.concat(errorChunks).toString('utf8').trim();
        if (protocolError || message) {
          this.report(remote, protocolError || message);
          socket.destroy();
        } else if (end.abnormal && !this.closed && !localGone) {
          this.report(remote, `the stream to port ${remote} was cut: ${end.reason}`);
          socket.destroy();
        } else {
          socket.end();
        }
        this.ended();
      },
    });
    this.conns.add(conn);
    const onData = (chunk: Buffer) => {
      const sent = conn.send(0, chunk);
      if (conn.congested) {
        socket.pause();
        void sent.then(() => socket.resume());
      }
    };
    socket.on('data', onData);
    // The protocol has no half-close: a local end keeps the stream open for the answer; a local
    // close ends it.
    socket.once('close', () => conn.close());
    socket.resume();
  }

  private ended(): void {
    this.active--;
    this.maybeDone();
  }

  private maybeDone(): void {
    if (this.closed && this.active === 0) this.finish();
  }

  /** Stops listening and drops every forwarded connection; resolves once all is closed. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stop.abort(new Error('port-forward closed'));
      for (const s of this.sockets) s.destroy();
      for (const c of this.conns) c.terminate('port-forward closed');
      await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      this.maybeDone();
    }
    return this.done;
  }
}

/**
 * Starts forwarding local ports to a pod (see {@link PortForwarder}).
 *
 * @example
 * const pf = portForward(config, { namespace: 'ns', pod: 'web', ports: ['8080:80'], signal });
 * console.log(await pf.ready); // [{ local: 8080, remote: 80, address: '127.0.0.1' }]
 */
export function portForward(config: Config, options: PortForwardOptions): PortForwarder {
  return new PortForwarder(config, options);
}
