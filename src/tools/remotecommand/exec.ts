// exec and attach on a pod's container, as `kubectl exec` / `kubectl attach` run them: the URL
// with its query (command, container, which streams, tty), one WebSocketExecutor session, and a
// one-shot form that collects the output as text.
import { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import type { Config } from '../../rest/config.js';
import { invalidPathSegment, RequestConstructionError } from '../../rest/errors.js';
import { ConfigError } from '../../rest/errors.js';
import { CodeExitError } from './errors.js';
import { FallbackExecutor, type StreamOptions, type StreamResult, WebSocketExecutor } from './executor.js';
import { protocolFeatures, STREAM_PROTOCOLS } from './protocol.js';

/** Which pod and container. */
export interface PodTarget {
  namespace: string;
  pod: string;
  /** The container (default: the pod's only or default container, chosen by the server). */
  container?: string;
}

/** exec: a command and the streams to connect. */
export interface ExecOptions extends PodTarget, StreamOptions {
  /** The command and its arguments (no shell unless you run one). */
  command: string[];
  /** Sub-protocols to offer, most preferred first (default v5 down to v1). */
  protocols?: readonly string[];
}

/** attach: the streams to connect to the container's main process. */
export interface AttachOptions extends PodTarget, StreamOptions {
  /** Sub-protocols to offer, most preferred first (default v5 down to v1). */
  protocols?: readonly string[];
}

/** The query of an exec or attach URL. */
export interface PodCommandQuery {
  command?: string[];
  container?: string;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  tty?: boolean;
}

/**
 * `{host}/api/v1/namespaces/{ns}/pods/{pod}/{subresource}` with a query; names that would change
 * the path are a RequestConstructionError.
 *
 * @example
 * podSubresourceUrl(config, 'ns', 'web', 'exec', { command: ['ls', '-l'], stdout: true }).toString();
 * // https://host/api/v1/namespaces/ns/pods/web/exec?command=ls&command=-l&stdout=true
 */
export function podSubresourceUrl(
  config: Pick<Config, 'host'>,
  namespace: string,
  pod: string,
  subresource: string,
  query: PodCommandQuery & { ports?: number[] } = {},
): URL {
  if (!config.host) throw new ConfigError('config.host is empty: say which apiserver to talk to');
  for (const [what, value] of [
    ['namespace', namespace],
    ['pod name', pod],
  ] as const) {
    if (!value) throw new RequestConstructionError(`the ${what} may not be empty`);
    const bad = invalidPathSegment(value);
    if (bad) throw new RequestConstructionError(`the ${what} ${JSON.stringify(value)} ${bad}`);
  }
  const base = new URL(config.host.includes('://') ? config.host : `https://${config.host}`);
  const prefix = base.pathname.replace(/\/+$/, '');
  const e = encodeURIComponent;
  const url = new URL(`${base.origin}${prefix}/api/v1/namespaces/${e(namespace)}/pods/${e(pod)}/${subresource}`);
  for (const c of query.command ?? []) url.searchParams.append('command', c);
  if (query.container) url.searchParams.set('container', query.container);
  for (const flag of ['stdin', 'stdout', 'stderr', 'tty'] as const) {
    if (query[flag]) url.searchParams.set(flag, 'true');
  }
  if (query.ports) url.searchParams.set('ports', query.ports.join(','));
  return url;
}

function queryFor(options: StreamOptions & { container?: string; command?: string[] }): PodCommandQuery {
  // The server needs at least one stream: with none given, stdout and stderr are asked for and
  // dropped (the exit code is still reported).
  const none = !options.stdin && !options.stdout && !options.stderr;
  return {
    command: options.command,
    container: options.container,
    stdin: Boolean(options.stdin),
    stdout: Boolean(options.stdout) || none,
    // With a terminal the server joins stderr to stdout (kubectl asks for no stderr then).
    stderr: (Boolean(options.stderr) || none) && !options.tty,
    tty: Boolean(options.tty),
  };
}

/**
 * Runs a command in a container. Resolves when it exits with 0; rejects with a CodeExitError
 * (`exitCode`) otherwise, a StatusError for a missing pod or container or a forbidden user, a
 * StreamProtocolError / StreamInterruptedError when the stream breaks, a RequestAbortedError on
 * abort.
 *
 * @example
 * await exec(config, { namespace: 'ns', pod: 'web', command: ['sh', '-c', 'echo hi'], stdout: process.stdout, stderr: process.stderr });
 */
export async function exec(config: Config, options: ExecOptions): Promise<StreamResult> {
  if (!Array.isArray(options.command) || options.command.length === 0) {
    throw new RequestConstructionError('exec needs a command');
  }
  const url = podSubresourceUrl(config, options.namespace, options.pod, 'exec', queryFor(options));
  return new WebSocketExecutor(config, url, options.protocols).stream(options);
}

/**
 * Attaches to the main process of a running container. Resolves or rejects as {@link exec}.
 *
 * Without `stdin`, a pre-v5 server would end the session at once when the container has
 * `stdin: true`: the kubelet's WebSocket stream server hands the runtime a stdin that is already
 * at its end when none was asked for, and containerd ends an attach whose stdin ended (see
 * docs/streams.md). So v5 is offered alone first with the streams asked for; when the server
 * refuses it (403, as a v1.20 kubelet does), the older versions are offered with stdin asked for
 * too, and nothing is ever sent on it. With `stdin`, one handshake offers every version.
 *
 * @example
 * await attach(config, { namespace: 'ns', pod: 'web', stdout: process.stdout, signal: AbortSignal.timeout(10_000) });
 */
export async function attach(config: Config, options: AttachOptions): Promise<StreamResult> {
  const protocols = options.protocols ?? STREAM_PROTOCOLS;
  const urlFor = (stdin: boolean) =>
    podSubresourceUrl(config, options.namespace, options.pod, 'attach', {
      ...queryFor(options),
      ...(stdin ? { stdin: true } : {}),
    });
  const withCloseSignal = protocols.filter((p) => protocolFeatures(p).closeSignal);
  const older = protocols.filter((p) => !protocolFeatures(p).closeSignal);
  if (options.stdin || older.length === 0)
    return new WebSocketExecutor(config, urlFor(false), protocols).stream(options);
  if (withCloseSignal.length === 0) return new WebSocketExecutor(config, urlFor(true), older).stream(options);
  return new FallbackExecutor(
    new WebSocketExecutor(config, urlFor(false), withCloseSignal),
    new WebSocketExecutor(config, urlFor(true), older),
  ).stream(options);
}

/** What {@link execText} collected. */
export interface ExecTextResult {
  stdout: string;
  stderr: string;
  /** The command's exit code (0 on success). */
  exitCode: number;
}

/** {@link execText}'s options: the input as text or bytes instead of a stream. */
export interface ExecTextOptions extends PodTarget {
  command: string[];
  /**
   * Sent to stdin. Only v5 servers (>= 1.29) learn where it ends; on older ones the command
   * must stop reading by itself (e.g. `head -c N`), or the call waits for the signal.
   */
  stdin?: string | Uint8Array;
  signal?: AbortSignal;
  protocols?: readonly string[];
}

/** A Writable collecting what it is given. */
function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs a command and collects stdout and stderr as text. Resolves for any exit code (see
 * `exitCode`); rejects as {@link exec} for everything else.
 *
 * @example
 * const { stdout, exitCode } = await execText(config, { namespace: 'ns', pod: 'web', command: ['cat', '/etc/hostname'] });
 */
export async function execText(config: Config, options: ExecTextOptions): Promise<ExecTextResult> {
  const out = collector();
  const err = collector();
  const stdin = options.stdin === undefined ? undefined : Readable.from([Buffer.from(options.stdin)]);
  try {
    await exec(config, { ...options, stdin, stdout: out.stream, stderr: err.stream });
    return { stdout: out.text(), stderr: err.text(), exitCode: 0 };
  } catch (e) {
    if (e instanceof CodeExitError) return { stdout: out.text(), stderr: err.text(), exitCode: e.exitCode };
    throw e;
  }
}
