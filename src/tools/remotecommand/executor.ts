// The WebSocket executor (client-go's tools/remotecommand wsStreamExecutor): one exec or attach
// session over the channel sub-protocols, with stdin/stdout/stderr as Node streams, terminal
// resizes, the exit Status decoded per protocol version, and an AbortSignal that frees the socket.
import type { Readable, Writable } from 'node:stream';
import { StatusError } from '../../apimachinery/errors.js';
import type { Status } from '../../apimachinery/meta.js';
import type { Config } from '../../rest/config.js';
import { RequestAbortedError, StreamInterruptedError, StreamProtocolError } from '../../rest/errors.js';
import { type DialedWebSocket, type WebSocketDialer, webSocketDialerFor } from '../../rest/websocket.js';
import { type ChannelEnd, ChannelConnection } from './channels.js';
import { CodeExitError } from './errors.js';
import { Channel, protocolFeatures, STREAM_PROTOCOLS } from './protocol.js';
import type { TerminalSizeQueue } from './terminal-size.js';

/** Largest error-channel message read (a Status is a few hundred bytes). */
const MAX_ERROR_BYTES = 64 * 1024;

/** The streams of one session (client-go's StreamOptions). */
export interface StreamOptions {
  /** Sent to the command's stdin; its end is signalled on v5 only (see docs/streams.md). Not closed or ended by the session. */
  stdin?: Readable;
  /** Receives the command's stdout (the tty's output with `tty`). Not ended by the session. */
  stdout?: Writable;
  /** Receives the command's stderr (nothing with `tty`). Not ended by the session. */
  stderr?: Writable;
  /** The session has a terminal (stderr joins stdout). */
  tty?: boolean;
  /** Terminal sizes to send (v3+ servers; `tty` only). */
  terminalSizeQueue?: TerminalSizeQueue;
  /** Ends the session and frees its socket; the promise rejects with a RequestAbortedError. */
  signal?: AbortSignal;
}

/** What the executor reports about the connection it used. */
export interface StreamResult {
  /** The sub-protocol the server chose. */
  protocol: string;
}

/**
 * Decodes the error channel: for v4+ a JSON Status (Success; NonZeroExitCode with an ExitCode
 * cause becomes a CodeExitError; any other failure a StatusError; anything else a
 * StreamProtocolError), for older versions plain text (a StatusError with that message).
 *
 * @example
 * decodeErrorChannel(Buffer.from('{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}'), true); // CodeExitError, exitCode 3
 */
export function decodeErrorChannel(message: Buffer, statusErrors: boolean): Error | undefined {
  if (message.length === 0) return undefined;
  const text = message.toString('utf8');
  // Before v4 the server writes the failure's message as plain text.
  if (!statusErrors) {
    return new StatusError({
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
      message: `error executing remote command: ${text}`,
    });
  }
  let status: Status;
  try {
    status = JSON.parse(text) as Status;
  } catch (err) {
    return new StreamProtocolError(
      `error stream protocol error: ${(err as Error).message} in ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  if (!status || typeof status !== 'object')
    return new StreamProtocolError('error stream protocol error: not a Status');
  if (status.status === 'Success') return undefined;
  if (status.status !== 'Failure') return new StreamProtocolError('error stream protocol error: unknown error');
  if (status.reason === 'NonZeroExitCode') {
    const causes = status.details?.causes;
    if (!Array.isArray(causes)) return new StreamProtocolError('error stream protocol error: details must be set');
    const cause = causes.find((c) => c && c.reason === 'ExitCode');
    if (!cause) return new StreamProtocolError('error stream protocol error: no ExitCode cause given');
    const code = /^\d{1,3}$/.test(cause.message ?? '') ? Number(cause.message) : Number.NaN;
    if (!(code >= 0 && code <= 255)) {
      return new StreamProtocolError(
        `error stream protocol error: invalid exit code value ${JSON.stringify(cause.message)}`,
      );
    }
    return new CodeExitError(code);
  }
  return new StatusError(status);
}

/**
 * Runs one exec or attach session (client-go's remotecommand.Executor).
 *
 * @example
 * const executor: Executor = new WebSocketExecutor(config, url);
 * await executor.stream({ stdout: process.stdout });
 */
export interface Executor {
  /**
   * Streams until the command ends: resolves on exit code 0; rejects with a CodeExitError for
   * other exit codes and with the typed errors of {@link WebSocketExecutor.stream} otherwise.
   */
  stream(options: StreamOptions): Promise<StreamResult>;
}

/**
 * Runs one exec or attach session at a URL (`/api/v1/namespaces/{ns}/pods/{name}/exec?...`).
 *
 * @example
 * const executor = new WebSocketExecutor(config, execUrl(config, { namespace: 'ns', pod: 'web', command: ['ls'], stdout: true }));
 * await executor.stream({ stdout: process.stdout }); // rejects with CodeExitError on a non-zero exit
 */
export class WebSocketExecutor implements Executor {
  private readonly dial: WebSocketDialer;

  constructor(
    config: Config,
    /** The exec or attach URL with its query. */
    readonly url: URL,
    /** Sub-protocols to offer, most preferred first (default: v5 down to v1). */
    readonly protocols: readonly string[] = STREAM_PROTOCOLS,
    dialer?: WebSocketDialer,
  ) {
    this.dial = dialer ?? webSocketDialerFor(config);
  }

  /**
   * Streams until the command ends: resolves on exit code 0; rejects with a CodeExitError for
   * other exit codes, a StatusError when the server refuses (missing pod or container,
   * forbidden), a StreamProtocolError when the server breaks the protocol, a
   * StreamInterruptedError when the connection is cut before the end, and a RequestAbortedError
   * on abort. In every case the socket is closed and nothing is left running.
   */
  async stream(options: StreamOptions): Promise<StreamResult> {
    return this.streamOn(await this.connect(options.signal), options);
  }

  /**
   * The handshake alone: resolves with the open (paused) socket and the negotiated
   * sub-protocol; rejects as the dialer does (a StatusError for a refused upgrade).
   */
  connect(signal?: AbortSignal): Promise<DialedWebSocket> {
    return this.dial(this.url, { protocols: [...this.protocols], signal });
  }

  /** Runs the session on a socket from {@link connect}; settles as {@link stream}. */
  streamOn(dialed: DialedWebSocket, options: StreamOptions): Promise<StreamResult> {
    const { ws, protocol } = dialed;
    const features = protocolFeatures(protocol);
    const safeUrl = `${this.url.origin}${this.url.pathname}`;
    return new Promise<StreamResult>((resolve, reject) => {
      const errorChunks: Buffer[] = [];
      let errorBytes = 0;
      let failure: Error | undefined;
      const cleanups: Array<() => void> = [];
      const fail = (err: Error) => {
        failure ??= err;
        conn.terminate(err.message);
      };
      const waiting = new Set<Writable>();
      const write = (target: Writable | undefined, data: Buffer) => {
        if (!target || data.length === 0) return;
        target.write(data);
        // Wait while more than the target's high-water mark is still queued. (write() returns
        // false for any frame larger than the mark, even one a synchronous target has already
        // taken: pausing on that stopped and restarted reading after every 32 KiB frame.)
        if (!waiting.has(target) && target.writableNeedDrain && target.writableLength > target.writableHighWaterMark) {
          waiting.add(target);
          conn.pause();
          target.once('drain', () => {
            waiting.delete(target);
            conn.resume();
          });
        }
      };
      const onEnd = (end: ChannelEnd) => {
        for (const c of cleanups.splice(0)) c();
        if (failure) return reject(failure);
        const errorMessage = Buffer.concat(errorChunks);
        if (end.abnormal && errorMessage.length === 0) {
          return reject(
            new StreamInterruptedError(
              `the ${protocol || 'channel'} stream of ${safeUrl} was cut before the command ended: ${end.reason}`,
            ),
          );
        }
        const err = decodeErrorChannel(errorMessage, features.statusErrors);
        if (err) reject(err);
        else resolve({ protocol });
      };
      const conn = new ChannelConnection(ws, {
        onFrame: (channel, data) => {
          if (failure) return;
          switch (channel) {
            case Channel.stdout:
              return write(options.stdout, data);
            case Channel.stderr:
              return write(options.stderr, data);
            case Channel.error:
              errorBytes += data.length;
              if (errorBytes > MAX_ERROR_BYTES)
                return fail(new StreamProtocolError(`the error channel sent more than ${MAX_ERROR_BYTES} bytes`));
              errorChunks.push(Buffer.from(data));
              return;
            case Channel.close:
              // v5 servers may say a stream is done; the socket's close ends the session.
              if (features.closeSignal && data.length === 1) return;
              return fail(new StreamProtocolError(`a malformed close signal (${data.length} bytes) from the server`));
            default:
              return fail(
                new StreamProtocolError(
                  `the server sent a frame on channel ${channel}, which ${protocol || 'this protocol'} has not opened`,
                ),
              );
          }
        },
        onMalformed: (what) => fail(new StreamProtocolError(`the server sent ${what}`)),
        onEnd,
      });
      if (options.signal) {
        const onAbort = () =>
          fail(
            new RequestAbortedError(
              `${this.url.pathname.split('/').pop()} ${safeUrl} was aborted: ${String(options.signal?.reason?.message ?? options.signal?.reason)}`,
              safeUrl,
            ),
          );
        if (options.signal.aborted) return onAbort();
        options.signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
      }
      if (options.stdin) cleanups.push(pumpStdin(options.stdin, conn, features.closeSignal));
      if (options.tty && options.terminalSizeQueue && features.resize) {
        cleanups.push(pumpResizes(options.terminalSizeQueue, conn));
      }
    });
  }
}

/**
 * Whether a failed handshake of the primary executor should be retried with the secondary: the
 * server refused the upgrade with 403, which is how a server answers an offer of sub-protocols it
 * does not speak (a v1.20 kubelet offered v5 alone).
 *
 * @example
 * shouldFallBack(new StatusError({ status: 'Failure', code: 403 })); // true
 */
export function shouldFallBack(err: unknown): boolean {
  return err instanceof StatusError && err.code === 403;
}

/**
 * Tries the primary executor's handshake and, when the server refuses it as
 * {@link shouldFallBack} says, the secondary's (client-go's FallbackExecutor, which tries
 * WebSocket v5 before SPDY). Only the handshake is retried: once a socket is open, the session
 * runs on it to its end.
 *
 * @example
 * const executor = new FallbackExecutor(new WebSocketExecutor(config, v5Url, ['v5.channel.k8s.io']), new WebSocketExecutor(config, v4Url, ['v4.channel.k8s.io']));
 * await executor.stream({ stdout: process.stdout });
 */
export class FallbackExecutor implements Executor {
  constructor(
    readonly primary: WebSocketExecutor,
    readonly secondary: WebSocketExecutor,
    private readonly fallBack: (err: unknown) => boolean = shouldFallBack,
  ) {}

  /** Streams on the first executor whose handshake succeeds; settles as {@link WebSocketExecutor.stream}. */
  async stream(options: StreamOptions): Promise<StreamResult> {
    let executor = this.primary;
    let dialed: DialedWebSocket;
    try {
      dialed = await executor.connect(options.signal);
    } catch (err) {
      if (!this.fallBack(err)) throw err;
      executor = this.secondary;
      dialed = await executor.connect(options.signal);
    }
    return executor.streamOn(dialed, options);
  }
}

/** Sends stdin on channel 0 with backpressure; its end becomes a close signal on v5. Returns the cleanup. */
function pumpStdin(stdin: Readable, conn: ChannelConnection, closeSignal: boolean): () => void {
  const onData = (chunk: Buffer | string) => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const sent = conn.send(Channel.stdin, data);
    if (conn.congested) {
      stdin.pause();
      void sent.then(() => stdin.resume());
    }
  };
  const onEnd = () => {
    if (closeSignal) conn.sendRaw([Channel.close, Channel.stdin]);
  };
  const onError = () => {
    // A failing stdin ends what is sent; the session goes on as with an ended stdin.
    onEnd();
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.once('error', onError);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.off('error', onError);
    stdin.pause();
  };
}

/** Sends each terminal size on channel 4 as `{"Width":w,"Height":h}`. Returns the cleanup. */
function pumpResizes(queue: TerminalSizeQueue, conn: ChannelConnection): () => void {
  const iterator = queue[Symbol.asyncIterator]();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      let next: IteratorResult<{ width: number; height: number }>;
      try {
        next = await iterator.next();
      } catch {
        return;
      }
      if (next.done || stopped) return;
      await conn.send(
        Channel.resize,
        Buffer.from(JSON.stringify({ Width: next.value.width, Height: next.value.height })),
      );
    }
  })();
  return () => {
    stopped = true;
    void iterator.return?.()?.catch(() => undefined);
  };
}
