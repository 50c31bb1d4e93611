// WebSocket upgrades through the same transport as every other request (client-go's
// transport/websocket): the config's credentials (token, token file, exec plugin, basic auth,
// client certificates), impersonation, user agent, TLS verification and proxy. A refused upgrade
// becomes a StatusError built from the server's answer, like any other failed request. The
// upgrade is logged as any request (kubectl -v=6: `GET <url> 101 Switching Protocols in 18
// milliseconds`; request headers, redacted, at 7).
import type { Socket } from 'node:net';
import type { ConnectionOptions, SecureContext, TLSSocket } from 'node:tls';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { genericStatusError, StatusError } from '../apimachinery/errors.js';
import type { Status } from '../apimachinery/meta.js';
import type { Config } from './config.js';
import { RequestAbortedError, StreamProtocolError, TransportError } from './errors.js';
import { redactHeaders } from './log-redact.js';
import { connectTunnel, proxyFor } from './proxy-tunnel.js';
import { logUrl, statusText } from './request-log.js';
import { toLogger } from '../util/log/global.js';
import { type ConnectionTls, credentialsFor } from './transport.js';

/** How much of a refused upgrade's body is read (a Status is far smaller). */
const MAX_REFUSAL_BODY_BYTES = 64 * 1024;
/** Default time for the opening handshake. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
/** Default largest message accepted (the kubelet sends at most 32 KiB of stream data per message). */
const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/** Options of one WebSocket upgrade. */
export interface WebSocketDialOptions {
  /** Sub-protocols offered, most preferred first (Sec-WebSocket-Protocol). */
  protocols: string[];
  /** Aborts the handshake (and, later, nothing: the caller owns the open socket). */
  signal?: AbortSignal;
  /** Time allowed for the handshake in ms (default 30 s). */
  handshakeTimeoutMs?: number;
  /** Largest message accepted in bytes (default 16 MiB); larger ones close the socket. */
  maxPayload?: number;
}

/** An open WebSocket and the sub-protocol the server chose. */
export interface DialedWebSocket {
  /** The socket, paused: call `ws.resume()` once its listeners are on. */
  ws: WebSocket;
  /** The negotiated sub-protocol ('' when the server chose none). */
  protocol: string;
}

/** Opens WebSockets for one config; reuse it for many connections (port-forward). */
export type WebSocketDialer = (url: URL, options: WebSocketDialOptions) => Promise<DialedWebSocket>;

function readBounded(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks));
    res.on('data', (c: Buffer) => {
      if (size < MAX_REFUSAL_BODY_BYTES) chunks.push(c.subarray(0, MAX_REFUSAL_BODY_BYTES - size));
      size += c.length;
      if (size >= MAX_REFUSAL_BODY_BYTES) {
        res.destroy();
        done();
      }
    });
    res.once('end', done);
    res.once('error', done);
    res.once('close', done);
  });
}

/** The StatusError for a refused upgrade: the server's Status, or one built from the HTTP code. */
function refusal(status: number, body: Buffer, contentType: string | undefined): StatusError {
  const text = body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as Status;
    if (parsed && parsed.kind === 'Status') return new StatusError({ ...parsed, code: parsed.code || status });
  } catch {
    // not a Status
  }
  const quoted = /^text\/|json/.test(contentType ?? 'text/plain') ? text.slice(0, 2048).trim() : '';
  const generic = genericStatusError(status, 'GET', '', '', quoted || 'unknown');
  // The streaming endpoints answer in plain text ("container x is not valid for pod y"): say that.
  return quoted ? new StatusError({ ...generic.status, message: quoted }) : generic;
}

let wsModule: Promise<typeof WebSocket> | undefined;
/** ws, loaded on the first upgrade (programs that never stream do not pay for its import). */
function loadWebSocket(): Promise<typeof WebSocket> {
  wsModule ??= import('ws').then((m) => (m as unknown as { default: typeof WebSocket }).default);
  return wsModule;
}

/**
 * The TLS side of one dialer's upgrades. Each forwarded connection is an upgrade of its own, so
 * the per-connection work matters: the secure context (CA, client certificate and key parsed) is
 * built once per TLS settings object instead of per connection, and the last session is resumed
 * instead of a full handshake. Keyed by the settings object (one per config; an exec plugin's
 * rotating certificates make a new one, so nothing is ever resumed under another client
 * certificate), then sessions by host, port and server name.
 */
class TlsConnector {
  private readonly byTls = new WeakMap<ConnectionTls, { context: SecureContext; sessions: Map<string, Buffer> }>();

  /** Connects with the settings' context and the last session for this address, and keeps the new one. */
  connect(tls: ConnectionTls, options: ConnectionOptions): TLSSocket {
    let entry = this.byTls.get(tls);
    if (!entry) {
      const context = tlsModule().createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
      entry = { context, sessions: new Map() };
      this.byTls.set(tls, entry);
    }
    const { context, sessions } = entry;
    const address = `${options.host}:${options.port}:${options.servername ?? ''}`;
    const session = sessions.get(address);
    const socket = tlsModule().connect({ ...options, secureContext: context, ...(session ? { session } : {}) });
    socket.on('session', (s: Buffer) => sessions.set(address, s));
    return socket;
  }
}

/** node:tls, loaded on the first upgrade (not at import time). */
const tlsModule = () => process.getBuiltinModule('node:tls');

/** Errors ws raises when the server's 101 does not fit what was offered. */
const HANDSHAKE_PROTOCOL = /subprotocol|Sec-WebSocket|Upgrade header|Invalid status code|extension/i;

/**
 * A dialer for a config: each call upgrades one GET request to a WebSocket with the config's
 * credentials, TLS settings and proxy. Resolves once the socket is open; rejects with a
 * StatusError when the server refuses the upgrade (its Status, e.g. NotFound for a missing pod,
 * Forbidden, or a 403 for sub-protocols it does not speak), a StreamProtocolError when its answer
 * does not fit the offer, a TransportError when it cannot be reached and a RequestAbortedError on
 * abort. An exec plugin's credentials are refreshed once after a 401.
 *
 * @example
 * const dial = webSocketDialerFor(config);
 * const { ws, protocol } = await dial(new URL(`${config.host}/api/v1/namespaces/ns/pods/p/exec?command=ls&stdout=true`), { protocols: ['v4.channel.k8s.io'] });
 */
export function webSocketDialerFor(config: Config): WebSocketDialer {
  const credentials = credentialsFor(config);
  const connector = new TlsConnector();
  const logger = toLogger(config.logger);
  const dialOnce = async (url: URL, options: WebSocketDialOptions, refresh: boolean): Promise<DialedWebSocket> => {
    const safeUrl = `${url.origin}${url.pathname}`;
    if (options.signal?.aborted) throw new RequestAbortedError(`GET ${safeUrl} was aborted`, safeUrl);
    const headers: Record<string, string | string[]> = {};
    const { tls } = await credentials(headers, refresh, { url, method: 'GET', signal: options.signal });
    if (logger.verbosity >= 7) logger.v(7, `Request Headers: ${JSON.stringify(redactHeaders(headers))}`);
    const target = new URL(url);
    target.protocol = url.protocol === 'http:' || url.protocol === 'ws:' ? 'ws:' : 'wss:';
    const secure = target.protocol === 'wss:';
    const proxy = proxyFor(config, url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || (secure ? 443 : 80));
    const wsOptions: WebSocket.ClientOptions & Record<string, unknown> = {
      headers: headers as Record<string, string>,
      perMessageDeflate: false,
      followRedirects: false,
      handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      ...(secure ? tls : {}),
    };
    if (proxy) {
      const servername = tls.servername ?? (process.getBuiltinModule('node:net').isIP(host) ? undefined : host);
      // node:http accepts a createConnection that answers through its callback (the tunnel is async).
      const tunnel = (_opts: unknown, done: (err: Error | null, socket?: Socket) => void) => {
        connectTunnel(proxy, host, port, options.signal).then(
          // host: what the certificate is checked against (servername is only SNI, never an IP).
          (raw) => done(null, secure ? connector.connect(tls, { ...tls, host, port, servername, socket: raw }) : raw),
          (err: Error) => done(err),
        );
        return undefined;
      };
      wsOptions.createConnection = tunnel as unknown as WebSocket.ClientOptions['createConnection'];
    } else if (secure) {
      // As ws connects (no SNI for an IP address), resuming the last session of this dialer.
      wsOptions.createConnection = ((opts: ConnectionOptions) =>
        connector.connect(tls, {
          ...opts,
          path: undefined,
          servername: opts.servername ?? (process.getBuiltinModule('node:net').isIP(host) ? '' : host),
        })) as unknown as WebSocket.ClientOptions['createConnection'];
    }
    const WebSocketClass = await loadWebSocket();
    return new Promise<DialedWebSocket>((resolve, reject) => {
      let settled = false;
      const ws = new WebSocketClass(target, options.protocols, wsOptions);
      const onAbort = () => {
        fail(
          new RequestAbortedError(
            `GET ${safeUrl} was aborted: ${String(options.signal?.reason?.message ?? options.signal?.reason)}`,
            safeUrl,
          ),
        );
        ws.terminate();
      };
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', () => {
        // Paused until the caller has its listeners on: frames that came with the 101 would
        // otherwise be emitted (on the next tick) before the promise's continuation runs.
        ws.pause();
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        ws.removeAllListeners('error');
        ws.removeAllListeners('unexpected-response');
        resolve({ ws, protocol: ws.protocol });
      });
      ws.once('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
        void readBounded(res).then((body) => {
          req.destroy();
          ws.terminate();
          const ct = res.headers['content-type'];
          fail(refusal(res.statusCode ?? 0, body, ct));
        });
      });
      ws.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof TransportError) {
          fail(err);
        } else if (err.code && !HANDSHAKE_PROTOCOL.test(err.message)) {
          fail(new TransportError(`GET ${safeUrl} failed: ${err.code} ${err.message}`, safeUrl, { cause: err }));
        } else if (HANDSHAKE_PROTOCOL.test(err.message)) {
          fail(
            new StreamProtocolError(
              `GET ${safeUrl}: the server's upgrade answer does not fit the offer (${options.protocols.join(', ')}): ${err.message}`,
              { cause: err },
            ),
          );
        } else {
          fail(new TransportError(`GET ${safeUrl} failed: ${err.message}`, safeUrl, { cause: err }));
        }
        ws.terminate();
      });
    });
  };
  /** One upgrade, with its line at verbosity 6 (as kubectl's for its streaming upgrades). */
  const logged = async (url: URL, options: WebSocketDialOptions, refresh: boolean): Promise<DialedWebSocket> => {
    if (logger.verbosity < 6) return dialOnce(url, options, refresh);
    const started = performance.now();
    const line = (outcome: string, fields: Record<string, unknown>) => {
      const latencyMs = Math.round(performance.now() - started);
      logger.v(6, `GET ${logUrl(url)} ${outcome.replace('%', String(latencyMs))}`, {
        verb: 'GET',
        url: logUrl(url),
        latencyMs,
        ...fields,
      });
    };
    try {
      const dialed = await dialOnce(url, options, refresh);
      line('101 Switching Protocols in % milliseconds', { status: 101, protocol: dialed.protocol });
      return dialed;
    } catch (err) {
      if (err instanceof StatusError && err.code)
        line(`${err.code} ${statusText(err.code) || 'Unknown'} in % milliseconds`, { status: err.code });
      else line(` in % milliseconds: ${(err as Error).message}`, { err });
      throw err;
    }
  };
  return async (url, options) => {
    try {
      return await logged(url, options, false);
    } catch (err) {
      if (config.execProvider && err instanceof StatusError && err.code === 401) return logged(url, options, true);
      throw err;
    }
  };
}
