// Fuzzes both watch decoders with long lines cut at random chunk boundaries under a small event
// limit: events up to the limit decode exactly whatever the chunking, the first longer line gives
// one ERROR event and ends the watch with a WatchEventTooLargeError, and the two decoders agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeWatchStream,
  StreamWatch,
  WatchEventTooLargeError,
} from '../../../src/apimachinery/watch/stream-decoder.js';
import type { WatchEvent } from '../../../src/apimachinery/watch/types.js';
import { fuzzParams, withTimeout } from './support.js';

async function* chunksOf(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

function cut(bytes: Uint8Array, fractions: number[]): Uint8Array[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  return out;
}

async function decodeBoth(chunks: Uint8Array[], limit: number) {
  let genEnd: Error | undefined;
  const gen: WatchEvent[] = [];
  for await (const ev of decodeWatchStream(
    chunksOf(chunks),
    (r) => {
      genEnd = r;
    },
    limit,
  ))
    gen.push(ev);
  const w = new StreamWatch(chunksOf(chunks), () => {}, { maxEventBytes: limit });
  const sw: WatchEvent[] = [];
  for await (const ev of w) sw.push(ev);
  return { gen, genEnd, sw, swEnd: w.endReason };
}

/** An event line whose payload is `n` characters from a multi-byte-rich alphabet. */
const longEvent = fc
  .tuple(fc.integer({ min: 0, max: 3000 }), fc.constantFrom('a', 'é', '日', '😀', 'xy'))
  .map(([n, ch]) => JSON.stringify({ type: 'ADDED', object: { kind: 'ConfigMap', data: { v: ch.repeat(n) } } }));

describe('watch decoders: long lines at random chunk boundaries', () => {
  it('decode exactly up to the limit, then end with one ERROR and a typed reason', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(longEvent, { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
        fc.integer({ min: 200, max: 8000 }),
        async (lines, fractions, limit) => {
          const bytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(''));
          const r = await withTimeout(decodeBoth(cut(bytes, fractions), limit), 5000, 'decoding');
          const firstTooLong = lines.findIndex((l) => Buffer.byteLength(l) > limit);
          const fits = firstTooLong < 0 ? lines : lines.slice(0, firstTooLong);
          const expected = fits.map((l) => JSON.parse(l));
          for (const got of [r.gen, r.sw]) {
            expect(got.slice(0, fits.length)).toEqual(expected);
            if (firstTooLong < 0) expect(got).toHaveLength(fits.length);
            else {
              expect(got).toHaveLength(fits.length + 1);
              expect(got[fits.length]!.type).toBe('ERROR');
            }
          }
          if (firstTooLong < 0) {
            expect(r.genEnd).toBeUndefined();
            expect(r.swEnd).toBeUndefined();
          } else {
            expect(r.genEnd).toBeInstanceOf(WatchEventTooLargeError);
            expect(r.swEnd).toBeInstanceOf(WatchEventTooLargeError);
          }
        },
      ),
      fuzzParams(300),
    );
  });
});
