// Decodes the apiserver's watch stream (one JSON event per line) incrementally, chunk by chunk,
// without ever holding the whole response. Garbage becomes an ERROR event with an InternalError
// Status (never a crash); a dropped connection simply ends the iteration.
import type { Status } from '../meta.js';
import { WATCH_EVENT_TYPES, type Watch, type WatchEvent, type WatchEventType } from './types.js';

/** Longest single event accepted (bytes); a longer line is reported as an ERROR and skipped. */
export const MAX_WATCH_EVENT_BYTES = 64 * 1024 * 1024;

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
  return { type: type as WatchEventType, object: object as T };
}

/**
 * Splits a byte stream into watch events. Ends quietly when the source ends or fails (the failure
 * is passed to `onEnd`).
 *
 * @example
 * for await (const ev of decodeWatchStream(res.body)) console.log(ev.type);
 */
export async function* decodeWatchStream<T = unknown>(
  source: AsyncIterable<Uint8Array>,
  onEnd?: (reason: Error | undefined) => void,
): AsyncGenerator<WatchEvent<T>> {
  const decoder = new TextDecoder('utf-8');
  let partial = '';
  let skipping = false;
  let reason: Error | undefined;
  try {
    for await (const chunk of source) {
      let text = decoder.decode(chunk, { stream: true });
      let nl = text.indexOf('\n');
      while (nl >= 0) {
        const line = partial + text.slice(0, nl);
        partial = '';
        text = text.slice(nl + 1);
        if (skipping) skipping = false;
        else if (line.trim() !== '') yield parseWatchLine<T>(line);
        nl = text.indexOf('\n');
      }
      if (skipping) continue;
      partial += text;
      if (partial.length > MAX_WATCH_EVENT_BYTES) {
        yield decodeError(`an event is longer than ${MAX_WATCH_EVENT_BYTES} bytes; skipped`) as WatchEvent<T>;
        partial = '';
        skipping = true;
      }
    }
    const rest = partial + decoder.decode();
    if (!skipping && rest.trim() !== '') yield parseWatchLine<T>(rest);
  } catch (err) {
    reason = err instanceof Error ? err : new Error(String(err));
  } finally {
    onEnd?.(reason);
  }
}

/**
 * A Watch over a byte stream; `stop()` calls `abort` (which should end the source).
 *
 * @example
 * const w = new StreamWatch(res.body, () => controller.abort());
 */
export class StreamWatch<T = unknown> implements Watch<T> {
  endReason?: Error;
  private stopped = false;
  private readonly events: AsyncGenerator<WatchEvent<T>>;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly abort: () => void,
  ) {
    this.events = decodeWatchStream<T>(source, (reason) => {
      if (!this.stopped) this.endReason = reason;
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      for await (const ev of this.events) {
        if (this.stopped) return;
        yield ev;
      }
    } finally {
      this.stop();
    }
  }
}
