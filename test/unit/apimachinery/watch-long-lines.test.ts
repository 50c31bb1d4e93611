// Long lines in a watch stream: an event that arrives in many small chunks costs linear time (the
// unfinished line is never copied again per chunk), and an event over the limit (or a line that
// never ends) stops the watch with a WatchEventTooLargeError after reading at most the limit.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Status } from '../../../src/apimachinery/meta.js';
import {
  decodeWatchStream,
  MAX_WATCH_EVENT_BYTES,
  StreamWatch,
  WatchEventTooLargeError,
} from '../../../src/apimachinery/watch/index.js';
import type { WatchEvent } from '../../../src/apimachinery/watch/types.js';

const CHUNK = Buffer.alloc(64 * 1024, 'a');

/** A line of `total` bytes of 'a' (endless when Infinity), then a newline and one event, in 64 KiB chunks. */
function longLine(total: number, counter: { chunks: number }): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let sent = 0; sent < total; sent += CHUNK.length) {
        counter.chunks++;
        yield CHUNK;
      }
      yield Buffer.from('\n{"type":"ADDED","object":{"kind":"Pod"}}\n');
    },
  };
}

/** An event whose object carries `size` bytes of payload, cut into 64 KiB chunks. */
function bigEventChunks(size: number): Buffer[] {
  const event = Buffer.from(`{"type":"ADDED","object":{"kind":"ConfigMap","data":{"x":"${'b'.repeat(size)}"}}}\n`);
  const out: Buffer[] = [];
  for (let i = 0; i < event.length; i += CHUNK.length) out.push(event.subarray(i, i + CHUNK.length));
  return out;
}

describe('watch decoding of long lines', () => {
  it('the limit is client-go’s 16 MiB', () => {
    expect(MAX_WATCH_EVENT_BYTES).toBe(16 * 1024 * 1024);
  });

  it('StreamWatch: an endless line ends the watch with a typed error, reading little more than the limit', async () => {
    const counter = { chunks: 0 };
    let aborted = 0;
    const w = new StreamWatch(longLine(Number.POSITIVE_INFINITY, counter), () => aborted++);
    const events: WatchEvent[] = [];
    for await (const ev of w) events.push(ev);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('ERROR');
    expect((events[0]!.object as Status).message).toContain(`longer than ${MAX_WATCH_EVENT_BYTES} bytes`);
    expect(w.endReason).toBeInstanceOf(WatchEventTooLargeError);
    expect(aborted).toBeGreaterThanOrEqual(1);
    expect(counter.chunks * CHUNK.length).toBeLessThanOrEqual(MAX_WATCH_EVENT_BYTES + 2 * CHUNK.length);
  });

  it('StreamWatch over a Node stream: a 100 MiB event ends with a typed error and the stream is destroyed', async () => {
    const counter = { chunks: 0 };
    const source = Readable.from(longLine(100 * 1024 * 1024, counter), { objectMode: false });
    const w = new StreamWatch(source, () => source.destroy());
    const events: WatchEvent[] = [];
    for await (const ev of w) events.push(ev);
    expect(events.map((e) => e.type)).toEqual(['ERROR']);
    expect(w.endReason).toBeInstanceOf(WatchEventTooLargeError);
    expect(counter.chunks * CHUNK.length).toBeLessThan(32 * 1024 * 1024);
  });

  it('decodeWatchStream: an endless line ends with a typed error passed to onEnd', async () => {
    const counter = { chunks: 0 };
    let reason: Error | undefined;
    const events: WatchEvent[] = [];
    for await (const ev of decodeWatchStream(longLine(Number.POSITIVE_INFINITY, counter), (r) => {
      reason = r;
    }))
      events.push(ev);
    expect(events.map((e) => e.type)).toEqual(['ERROR']);
    expect(reason).toBeInstanceOf(WatchEventTooLargeError);
    expect(counter.chunks * CHUNK.length).toBeLessThanOrEqual(MAX_WATCH_EVENT_BYTES + 2 * CHUNK.length);
  });

  it('a 15 MiB event in 64 KiB chunks decodes whole with both decoders', async () => {
    const parts = bigEventChunks(15 * 1024 * 1024);
    const w = new StreamWatch(
      (async function* () {
        yield* parts;
      })(),
      () => {},
    );
    const a: WatchEvent[] = [];
    for await (const ev of w) a.push(ev);
    expect(a).toHaveLength(1);
    expect(((a[0]!.object as { data: { x: string } }).data.x as string).length).toBe(15 * 1024 * 1024);
    const b: WatchEvent[] = [];
    for await (const ev of decodeWatchStream(
      (async function* () {
        yield* parts;
      })(),
    ))
      b.push(ev);
    expect(b).toHaveLength(1);
    expect(w.endReason).toBeUndefined();
  });

  it('a smaller limit can be set per StreamWatch', async () => {
    const w = new StreamWatch(
      (async function* () {
        yield Buffer.from('{"type":"ADDED","object":{"a":"12345678901234567890"}}\n');
      })(),
      () => {},
      { maxEventBytes: 20 },
    );
    const events: WatchEvent[] = [];
    for await (const ev of w) events.push(ev);
    expect(events.map((e) => e.type)).toEqual(['ERROR']);
    expect((w.endReason as WatchEventTooLargeError).limit).toBe(20);
  });
});
