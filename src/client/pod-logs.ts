// Streamed pod logs (`kubectl logs -f`): the log subresource as a raw Readable and as an async
// iterable of lines, ending when the container stops or the signal aborts. A follower that
// survives an apiserver restart is opt-in (`reconnect`): it asks for timestamps, resumes with
// sinceTime and drops the lines it already delivered.
import { PassThrough, type Readable } from 'node:stream';
import { RequestAbortedError } from '../rest/errors.js';
import type { RESTClient } from '../rest/rest-client.js';

/** The query of the log subresource (core/v1 PodLogOptions) plus the stream's own options. */
export interface PodLogOptions {
  container?: string;
  /** Keep streaming as the container writes (until it stops or the signal aborts). */
  follow?: boolean;
  /** The previous (terminated) instance of the container. */
  previous?: boolean;
  sinceSeconds?: number;
  /** RFC 3339 time or a Date. */
  sinceTime?: string | Date;
  /** Prefix each line with its RFC 3339 timestamp. */
  timestamps?: boolean;
  tailLines?: number;
  limitBytes?: number;
  insecureSkipTLSVerifyBackend?: boolean;
  signal?: AbortSignal;
  /**
   * follow only: when the connection drops (an apiserver restart) or ends while the container
   * still runs, connect again and resume after the last line delivered. Off by default, as in
   * kubectl, whose `logs -f` ends with the connection. Lines are matched by their timestamps;
   * the log must not be rotated away in between. `true` retries for 60 s; or give the limit.
   */
  reconnect?: boolean | { retryForMs?: number };
}

/**
 * A pod's log as a stream: read `stream` for the raw bytes, or iterate for lines (without their
 * newline). Use one or the other.
 *
 * @example
 * const log = await cs.coreV1.pods('ns').streamLog('web', { follow: true, signal });
 * for await (const line of log) console.log(line);
 */
export class PodLogStream implements AsyncIterable<string> {
  constructor(
    /** The raw log bytes; ends when the log ends, errors when the connection fails or the signal aborts. */
    readonly stream: Readable,
    private readonly signal?: AbortSignal,
  ) {}

  /** The log's lines; a last line without a newline is yielded too. The signal ends it quietly. */
  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    let rest = Buffer.alloc(0);
    try {
      for await (const chunk of this.stream) {
        let buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
        let nl = buf.indexOf(10);
        while (nl !== -1) {
          yield buf.subarray(0, nl).toString('utf8');
          buf = buf.subarray(nl + 1);
          nl = buf.indexOf(10);
        }
        rest = Buffer.from(buf);
      }
    } catch (err) {
      if (!this.signal?.aborted) throw err;
      return;
    }
    if (rest.length) yield rest.toString('utf8');
  }
}

function query(options: PodLogOptions, overrides: Partial<PodLogOptions> = {}): Record<string, unknown> {
  const o = { ...options, ...overrides };
  const sinceTime = o.sinceTime instanceof Date ? o.sinceTime.toISOString() : o.sinceTime;
  return {
    container: o.container,
    follow: o.follow || undefined,
    previous: o.previous || undefined,
    sinceSeconds: o.sinceTime ? undefined : o.sinceSeconds,
    sinceTime,
    timestamps: o.timestamps || undefined,
    tailLines: o.tailLines,
    limitBytes: o.limitBytes,
    insecureSkipTLSVerifyBackend: o.insecureSkipTLSVerifyBackend || undefined,
  };
}

async function open(
  rc: RESTClient,
  ns: string,
  name: string,
  params: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Readable> {
  return rc
    .get()
    .namespace(ns)
    .resource('pods')
    .name(name)
    .subResource('log')
    .versionedParams(params)
    .signal(signal)
    .stream();
}

/** `2024-05-01T10:00:00.5Z` -> a key that sorts by time at nanosecond precision (any offset). */
function timeKey(ts: string): string | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return `${String(seconds).padStart(12, '0')}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/**
 * Opens a pod's log (`GET .../pods/{name}/log`) and resolves once the server accepted it;
 * a missing pod or container rejects with a StatusError.
 *
 * @example
 * const log = await streamPodLog(coreV1RestClient, 'ns', 'web', { follow: true, tailLines: 10 });
 * log.stream.pipe(process.stdout);
 */
export async function streamPodLog(
  rc: RESTClient,
  namespace: string,
  name: string,
  options: PodLogOptions = {},
): Promise<PodLogStream> {
  if (!options.follow || !options.reconnect) {
    return new PodLogStream(await open(rc, namespace, name, query(options), options.signal), options.signal);
  }
  return new PodLogStream(await reconnectingLog(rc, namespace, name, options), options.signal);
}

async function reconnectingLog(rc: RESTClient, ns: string, name: string, options: PodLogOptions): Promise<Readable> {
  const retryForMs = typeof options.reconnect === 'object' ? (options.reconnect.retryForMs ?? 60_000) : 60_000;
  const out = new PassThrough();
  // The newest timestamp delivered and how many lines carried it; a resumed stream starts at
  // that second again, so its lines up to there are dropped.
  let lastKey = '';
  let seenAtLast = 0;
  let skipAtLast = 0;
  let partial = Buffer.alloc(0);
  const deliver = (chunk: Buffer): boolean => {
    let buf = partial.length ? Buffer.concat([partial, chunk]) : chunk;
    let ok = true;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
      const line = buf.subarray(0, nl + 1);
      buf = buf.subarray(nl + 1);
      const space = line.indexOf(32);
      const key = space > 0 ? timeKey(line.subarray(0, space).toString('latin1')) : undefined;
      if (key !== undefined) {
        if (key < lastKey) continue;
        if (key === lastKey && skipAtLast > 0) {
          skipAtLast--;
          continue;
        }
        if (key === lastKey) seenAtLast++;
        else {
          lastKey = key;
          seenAtLast = 1;
          skipAtLast = 0;
        }
      }
      ok = out.write(options.timestamps || key === undefined ? line : line.subarray(space + 1)) && ok;
    }
    partial = Buffer.from(buf);
    return ok;
  };
  const reopen = () => {
    skipAtLast = seenAtLast;
    partial = Buffer.alloc(0);
    const resume = lastKey
      ? { sinceTime: sinceOf(lastKey), sinceSeconds: undefined, tailLines: undefined }
      : { sinceTime: options.sinceTime };
    return open(rc, ns, name, query(options, { timestamps: true, ...resume }), options.signal);
  };
  let current: Readable | undefined = await open(rc, ns, name, query(options, { timestamps: true }), options.signal);
  void (async () => {
    let failingSince = 0;
    while (!options.signal?.aborted) {
      try {
        current ??= await reopen();
        failingSince = 0;
        for await (const chunk of current) {
          if (!deliver(chunk as Buffer)) await new Promise((r) => out.once('drain', r));
        }
        current = undefined;
        // A clean end: the container stopped, or the server went away gracefully. Ask which.
        if (!(await stillRunning(rc, ns, name, options.container, options.signal))) break;
      } catch (err) {
        current = undefined;
        if (options.signal?.aborted || err instanceof RequestAbortedError) break;
        failingSince ||= Date.now();
        if (Date.now() - failingSince > retryForMs) {
          out.destroy(err as Error);
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (partial.length) {
      const space = partial.indexOf(32);
      const stamped = space > 0 && timeKey(partial.subarray(0, space).toString('latin1')) !== undefined;
      out.write(stamped && !options.timestamps ? partial.subarray(space + 1) : partial);
    }
    out.end();
  })();
  return out;
}

/** The RFC 3339 second of a time key (the apiserver passes sinceTime on at second precision). */
function sinceOf(key: string): string {
  return new Date(Number(key.slice(0, 12)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function stillRunning(
  rc: RESTClient,
  ns: string,
  name: string,
  container: string | undefined,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const pod = (await rc.get().namespace(ns).resource('pods').name(name).signal(signal).do()).into<{
      status?: { containerStatuses?: Array<{ name: string; state?: { running?: unknown } }> };
    }>();
    const statuses = pod.status?.containerStatuses ?? [];
    const s = container ? statuses.find((c) => c.name === container) : statuses[0];
    return Boolean(s?.state?.running);
  } catch {
    return !signal?.aborted;
  }
}
