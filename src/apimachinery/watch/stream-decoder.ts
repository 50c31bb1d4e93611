// Decodes the apiserver's watch stream (one JSON event per line) incrementally, chunk by chunk,
// without ever holding the whole response. StreamWatch is the one decoder; decodeWatchStream is its
// async-generator view. Garbage becomes an ERROR event with an InternalError
// Status (never a crash); a dropped connection simply ends the iteration. An unfinished line is
// kept as a list of chunks (joined once, when its newline comes), so a long line costs linear time;
// a line over MAX_WATCH_EVENT_BYTES ends the watch with a WatchEventTooLargeError, as client-go's
// streaming decoder ends a watch with ErrObjectTooLarge.
import { Readable } from 'node:stream';
import type { Status } from '../meta.js';
import { WATCH_EVENT_TYPES, type Watch, type WatchEvent, type WatchEventType } from './types.js';

/**
 * Longest single event accepted (bytes), client-go's 16 MiB streaming-decoder limit (an etcd object
 * is at most 1.5 MiB). A longer line ends the watch: an ERROR event, then `endReason` is a
 * {@link WatchEventTooLargeError}.
 */
export const MAX_WATCH_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * A watch event was longer than {@link MAX_WATCH_EVENT_BYTES}; the watch was ended (a Reflector
 * lists and watches again).
 *
 * @example
 * if (w.endReason instanceof WatchEventTooLargeError) console.error('event over', w.endReason.limit, 'bytes');
 */
export class WatchEventTooLargeError extends Error {
  override readonly name = 'WatchEventTooLargeError';
  constructor(
    /** The limit in bytes. */
    readonly limit: number = MAX_WATCH_EVENT_BYTES,
  ) {
    super(`a watch event is longer than ${limit} bytes: the watch was ended`);
  }
}

const tooLargeEvent = (limit: number) => decodeError(`an event is longer than ${limit} bytes`);

function decodeError(message: string): WatchEvent<Status> {
  return {
    type: 'ERROR',
    object: {
      apiVersion: 'v1',
      kind: 'Status',
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
      message: `unable to decode an event from the watch stream: ${message}`,
    },
  };
}

function snippet(text: string): string {
  return text.length > 80 ? `${JSON.stringify(text.slice(0, 80))}...` : JSON.stringify(text);
}

/**
 * Parses one line of a watch stream into an event, or an ERROR event describing what was wrong.
 *
 * @example
 * parseWatchLine('{"type":"ADDED","object":{"kind":"Pod"}}'); // { type: 'ADDED', object: { kind: 'Pod' } }
 */
export function parseWatchLine<T = unknown>(line: string): WatchEvent<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return decodeError(`invalid JSON (${(err as Error).message}) in ${snippet(line)}`) as WatchEvent<T>;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return decodeError(`expected an object, got ${snippet(line)}`) as WatchEvent<T>;
  }
  const { type, object } = parsed as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || !WATCH_EVENT_TYPES.includes(type as WatchEventType)) {
    return decodeError(`unknown event type ${JSON.stringify(type)}`) as WatchEvent<T>;
  }
  if (object === null || typeof object !== 'object') {
    return decodeError(`event ${type} has no object`) as WatchEvent<T>;
  }
  // The parsed object is the event (no copy: this runs for every event of every watch).
  return parsed as WatchEvent<T>;
}

/**
 * Splits a byte stream into watch events: an async-generator view of {@link StreamWatch} (the one
 * watch decoder). Ends quietly when the source ends or fails (the failure, or a
 * WatchEventTooLargeError, is passed to `onEnd`); stopping early closes the source.
 *
 * @example
 * for await (const ev of decodeWatchStream(res.body)) console.log(ev.type);
 */
export async function* decodeWatchStream<T = unknown>(
  source: AsyncIterable<Uint8Array>,
  onEnd?: (reason: Error | undefined) => void,
  maxEventBytes = MAX_WATCH_EVENT_BYTES,
): AsyncGenerator<WatchEvent<T>> {
  const w = new StreamWatch<T>(source, () => {}, { maxEventBytes });
  try {
    for (let batch = await w.nextBatch(); batch; batch = await w.nextBatch()) yield* batch;
  } finally {
    w.stop();
    onEnd?.(w.endReason);
  }
}

/** Decoded events waiting in a StreamWatch before it pauses a Node stream source (backpressure). */
const PAUSE_AT_EVENTS = 4096;

/**
 * A Watch over a byte stream; `stop()` calls `abort` (which should end the source). Events of a
 * chunk are decoded together and handed out from a buffer, so the per-event cost is one resolved
 * promise (no generator chain): the watch path is throughput-critical. A Node Readable source is
 * read in flowing mode ('data' events hand over each chunk as received; its async iterator would
 * copy buffered chunks together) and paused while too many decoded events wait.
 *
 * @example
 * const w = new StreamWatch(res.body, () => controller.abort());
 */
export class StreamWatch<T = unknown> implements Watch<T> {
  endReason?: Error;
  private stopped = false;
  private ended = false;
  private readonly source: AsyncIterator<Uint8Array> | undefined;
  /** The iterator source ended, failed or was closed (nothing to close any more). */
  private sourceDone = false;
  private readonly readable: Readable | undefined;
  private wake: (() => void) | undefined;
  /**
   * Chunks of an unfinished line and their total length: joined once, when the line ends (newlines
   * never split a UTF-8 character, so lines decode alone).
   */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private readonly maxEventBytes: number;
  private buffer: WatchEvent<T>[] = [];
  private head = 0;

  private idleTimer: NodeJS.Timeout | undefined;

  /**
   * @param source the response body
   * @param abort cancels the underlying request
   * @param options `idleTimeoutMs`: end the watch (with `endReason` set) when no bytes arrive for
   *   this long, so that a black-holed connection cannot keep a watcher waiting forever;
   *   `maxEventBytes`: the longest event (default {@link MAX_WATCH_EVENT_BYTES}).
   */
  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly abort: () => void,
    options: { idleTimeoutMs?: number; maxEventBytes?: number } = {},
  ) {
    this.maxEventBytes = options.maxEventBytes ?? MAX_WATCH_EVENT_BYTES;
    if (source instanceof Readable) {
      this.readable = source;
      this.listen(source);
    } else {
      this.source = source[Symbol.asyncIterator]();
    }
    const idle = options.idleTimeoutMs ?? 0;
    if (idle > 0) {
      this.idleTimer = setTimeout(() => {
        this.finish(new Error(`watch stream idle: no data for ${idle} ms`));
        this.abort();
      }, idle);
      this.idleTimer.unref();
    }
  }

  stop(): void {
    clearTimeout(this.idleTimer);
    if (this.stopped) return;
    this.stopped = true;
    this.wakeUp();
    this.abort();
    this.closeSource();
  }

  /** An iterator source that has not ended is closed, as for-await would close it. */
  private closeSource(): void {
    if (this.sourceDone || !this.source) return;
    this.sourceDone = true;
    void Promise.resolve()
      .then(() => this.source?.return?.())
      .catch(() => undefined);
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private listen(source: Readable): void {
    source.on('data', (chunk: Uint8Array | string) => {
      if (this.ended || this.stopped) return;
      this.idleTimer?.refresh();
      this.decodeChunk(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      if (this.buffer.length - this.head >= PAUSE_AT_EVENTS) source.pause();
      this.wakeUp();
    });
    source.once('end', () => this.finish(undefined));
    source.once('error', (err) => this.finish(err));
    // Closed without 'end' or 'error': cut off; an unfinished line is not an event.
    source.once('close', () => this.finish(new Error('watch stream closed before its end')));
  }

  /** The source ended, failed or went idle (`err`): flush the unfinished line on a clean end, wake the consumer. */
  private finish(err: unknown): void {
    if (this.ended) return;
    if (err !== undefined && !this.stopped && !this.endReason) {
      this.endReason = err instanceof Error ? err : new Error(String(err));
    }
    if (err === undefined) this.flushPartial();
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.wakeUp();
  }

  private flushPartial(): void {
    const rest = this.takePartial().toString('utf8');
    if (rest.trim() !== '') this.buffer.push(parseWatchLine<T>(rest));
  }

  private takePartial(tail?: Buffer): Buffer {
    const parts = this.partial;
    if (tail) parts.push(tail);
    this.partial = [];
    this.partialBytes = 0;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private decodeChunk(chunk: Uint8Array): void {
    if (this.ended) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (this.partialBytes > 0) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.keepPartial(buf);
        return;
      }
      if (this.partialBytes + nl > this.maxEventBytes) {
        this.tooLarge();
        return;
      }
      // Join the unfinished line with the head of this chunk only, not with the whole chunk.
      this.emitLine(this.takePartial(buf.subarray(0, nl)).toString('utf8'));
      start = nl + 1;
    }
    const last = buf.lastIndexOf(10);
    if (last >= start && last - start > this.maxEventBytes) {
      // Rare (a chunk larger than the limit): measure each line in bytes before decoding it.
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl <= last; nl = buf.indexOf(10, start)) {
        if (nl - start > this.maxEventBytes) {
          this.tooLarge();
          return;
        }
        this.emitLine(buf.toString('utf8', start, nl));
        start = nl + 1;
      }
    } else if (last >= start) {
      // Newlines never split a UTF-8 character: the complete lines decode as one string.
      const text = buf.toString('utf8', start, last);
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        this.emitLine(text.slice(from, nl));
        from = nl + 1;
      }
      this.emitLine(text.slice(from));
      start = last + 1;
    }
    if (start < buf.length) this.keepPartial(start === 0 ? buf : buf.subarray(start));
  }

  private emitLine(line: string): void {
    // Events start with '{'; anything else is checked for being blank before it counts as garbage.
    if (line.charCodeAt(0) === 123 || line.trim() !== '') this.buffer.push(parseWatchLine<T>(line));
  }

  private keepPartial(bytes: Buffer): void {
    if (this.partialBytes + bytes.length > this.maxEventBytes) {
      this.tooLarge();
      return;
    }
    this.partial.push(bytes);
    this.partialBytes += bytes.length;
  }

  /** An event over the limit: an ERROR event, then the watch ends (and its request is aborted). */
  private tooLarge(): void {
    this.partial = [];
    this.partialBytes = 0;
    this.buffer.push(tooLargeEvent(this.maxEventBytes) as WatchEvent<T>);
    this.finish(new WatchEventTooLargeError(this.maxEventBytes));
    this.abort();
  }

  private async fill(): Promise<void> {
    const readable = this.readable;
    if (readable) {
      while (this.head >= this.buffer.length && !this.ended && !this.stopped) {
        this.buffer = [];
        this.head = 0;
        if (readable.isPaused()) readable.resume();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      return;
    }
    while (this.head >= this.buffer.length && !this.ended && !this.stopped) {
      this.buffer = [];
      this.head = 0;
      let r: IteratorResult<Uint8Array>;
      try {
        r = await this.source!.next();
      } catch (err) {
        this.sourceDone = true;
        this.finish(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (this.ended) return; // went idle meanwhile
      this.idleTimer?.refresh();
      if (r.done) {
        this.sourceDone = true;
        this.finish(undefined);
        return;
      }
      this.decodeChunk(r.value);
    }
  }

  /**
   * The events decoded so far and not yet handed out, waiting for the next chunk when there are
   * none; `undefined` once the watch ended. For consumers that handle events synchronously (the
   * Reflector): one promise per chunk instead of one per event. Do not mix with iteration.
   *
   * @example
   * for (let batch = await w.nextBatch(); batch; batch = await w.nextBatch()) for (const ev of batch) handle(ev);
   */
  async nextBatch(): Promise<WatchEvent<T>[] | undefined> {
    if (this.stopped) return undefined;
    if (this.head >= this.buffer.length) await this.fill();
    if (this.stopped || this.head >= this.buffer.length) {
      this.stop();
      return undefined;
    }
    const batch = this.head === 0 ? this.buffer : this.buffer.slice(this.head);
    this.buffer = [];
    this.head = 0;
    return batch;
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    const done = { value: undefined, done: true } as IteratorReturnResult<undefined>;
    return {
      next: async () => {
        if (this.stopped) return done;
        if (this.head >= this.buffer.length) await this.fill();
        if (this.stopped || this.head >= this.buffer.length) {
          this.stop();
          return done;
        }
        return { value: this.buffer[this.head++]!, done: false };
      },
      return: async () => {
        this.stop();
        return done;
      },
    };
  }
}
