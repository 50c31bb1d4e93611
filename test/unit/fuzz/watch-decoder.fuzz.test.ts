// Fuzzes the one watch stream decoder (StreamWatch, read by iteration, by nextBatch, from a Node
// Readable as the REST client does, and through its decodeWatchStream view) with random bytes,
// valid event streams cut at arbitrary byte boundaries (inside UTF-8 characters too), garbage lines
// and prototype keys, against a reference that decodes the whole input at once and splits it into
// lines: events decode exactly, garbage becomes an InternalError ERROR event, nothing hangs.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Status } from '../../../src/apimachinery/meta.js';
import { decodeWatchStream, parseWatchLine, StreamWatch } from '../../../src/apimachinery/watch/stream-decoder.js';
import { WATCH_EVENT_TYPES, type WatchEvent } from '../../../src/apimachinery/watch/types.js';
import { expectNoPollution, fuzzParams, nastyJson, prototypeSnapshot, withTimeout } from './support.js';

async function* chunksOf(chunks: Uint8Array[], failWith?: Error): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
  if (failWith) throw failWith;
}

type Decoded = { events: WatchEvent[]; end?: Error };

async function viaIteration(chunks: Uint8Array[], failWith?: Error): Promise<Decoded> {
  let aborted = 0;
  const w = new StreamWatch(chunksOf(chunks, failWith), () => aborted++);
  const events: WatchEvent[] = [];
  for await (const ev of w) events.push(ev);
  expect(aborted).toBe(1);
  return { events, end: w.endReason };
}

async function viaBatches(chunks: Uint8Array[], failWith?: Error): Promise<Decoded> {
  const w = new StreamWatch(chunksOf(chunks, failWith), () => {});
  const events: WatchEvent[] = [];
  for (let b = await w.nextBatch(); b; b = await w.nextBatch()) events.push(...b);
  return { events, end: w.endReason };
}

/** A Node stream source in flowing mode, as the REST client's response body is read. */
async function viaReadable(chunks: Uint8Array[], failWith?: Error): Promise<Decoded> {
  const source = Readable.from(chunksOf(chunks, failWith), { objectMode: false });
  const w = new StreamWatch(source, () => source.destroy());
  const events: WatchEvent[] = [];
  for (let b = await w.nextBatch(); b; b = await w.nextBatch()) events.push(...b);
  return { events, end: w.endReason };
}

async function viaGenerator(chunks: Uint8Array[], failWith?: Error): Promise<Decoded> {
  const events: WatchEvent[] = [];
  let end: Error | undefined;
  let ended = false;
  for await (const ev of decodeWatchStream(chunksOf(chunks, failWith), (r) => {
    end = r;
    ended = true;
  }))
    events.push(ev);
  expect(ended).toBe(true);
  return { events, end };
}

/**
 * The reference: the whole input decoded at once (a leading BOM kept, as client-go keeps it), split
 * at newlines, blank lines skipped; a failed stream drops its unfinished last line.
 */
function reference(chunks: Uint8Array[], failed: boolean): WatchEvent[] {
  const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
  const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(all).split('\n');
  if (failed) lines.pop();
  return lines.filter((l) => l.trim() !== '').map((l) => parseWatchLine(l));
}

/** Decodes every way (each bounded to 2 s) and checks each against the reference. */
async function decodeBoth(chunks: Uint8Array[], failWith?: Error): Promise<WatchEvent[]> {
  const expected = reference(chunks, failWith !== undefined);
  for (const [name, via] of [
    ['iteration', viaIteration],
    ['nextBatch', viaBatches],
    ['Readable', viaReadable],
    ['decodeWatchStream', viaGenerator],
  ] as const) {
    const got = await withTimeout(via(chunks, failWith), 2000, name);
    expect(got.events, name).toEqual(expected);
    if (name === 'Readable') {
      // A Readable's own error is the failure; its early close is not a clean end.
      if (failWith) expect(got.end, name).toBe(failWith);
      else expect(got.end, name).toBeUndefined();
    } else {
      expect(got.end, name).toBe(failWith);
    }
  }
  return expected;
}

/** An event is either well formed or the decoder's own InternalError ERROR. */
function expectWellFormed(ev: WatchEvent): void {
  expect(WATCH_EVENT_TYPES).toContain(ev.type);
  expect(typeof ev.object).toBe('object');
  expect(ev.object).not.toBeNull();
}

function isDecodeError(ev: WatchEvent): boolean {
  const s = ev.object as Status;
  return ev.type === 'ERROR' && s.reason === 'InternalError' && s.code === 500 && s.kind === 'Status';
}

/** Cuts `bytes` at the given fractions (any byte offset: inside UTF-8 characters too). */
function cut(bytes: Uint8Array, fractions: number[]): Uint8Array[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(start, p)); // empty chunks included
    start = p;
  }
  return out;
}

const encode = (s: string) => new TextEncoder().encode(s);

/** Strings rich in multi-byte UTF-8 (accents, CJK, emoji, lone surrogates become U+FFFD in JSON). */
const unicodeText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('é', '日', '😀', '\u2028', '\n', '"', '\\', 'a', '\u0000'), maxLength: 12 }),
);

const eventObject = fc.dictionary(
  fc.oneof(unicodeText, fc.constantFrom('__proto__', 'constructor', 'polluted')),
  fc.oneof(unicodeText, fc.integer(), fc.boolean(), fc.constant(null), nastyJson),
  { maxKeys: 5 },
);

const validEvent = fc.record({
  type: fc.constantFrom(...WATCH_EVENT_TYPES),
  object: fc.oneof(eventObject, fc.array(fc.integer(), { maxLength: 3 })),
});

const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

/** A line that must not decode as an event (it is not even valid JSON with a known type and an object). */
const garbageLine = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '{',
      '[]',
      'null',
      '1',
      '"ADDED"',
      '{"type":"ADDED"}',
      '{"type":"ADDED","object":null}',
      '{"type":"ADDED","object":5}',
      '{"type":"added","object":{}}',
      '{"type":"UNKNOWN","object":{}}',
      '{"object":{}}',
      '{"type":["ADDED"],"object":{}}',
      '{"__proto__":{"type":"ADDED","object":{}}}',
      '{"type":"ADDED","object":{}',
      '\uFEFF{"type":"ADDED","object":{}}',
    ),
  )
  .map((s) => s.replace(/\n/g, ' '))
  .filter((s) => s.trim() !== '');

describe('watch stream decoding under bad input', () => {
  const before = prototypeSnapshot();
  afterAll(() => expectNoPollution(before));

  it('random byte chunks: every way of reading ends, matches the reference and yields only well-formed events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 64 }),
            fc.uint8Array({ maxLength: 64 }).map((b) => b.map((x) => (x % 7 === 0 ? 10 : x))),
          ),
          { maxLength: 8 },
        ),
        fc.boolean(),
        async (chunks, fail) => {
          const events = await decodeBoth(chunks, fail ? new Error('connection reset') : undefined);
          events.forEach(expectWellFormed);
          expectNoPollution(before);
        },
      ),
      fuzzParams(1000),
    );
  });

  it('valid events cut at arbitrary byte boundaries decode exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(validEvent, { maxLength: 8 }),
        fractions,
        fc.constantFrom('\n', '\r\n', '\n\n', '\n  \n'),
        async (events, cuts, eol) => {
          const text = events.map((e) => JSON.stringify(e) + eol).join('');
          const expected = events.map((e) => JSON.parse(JSON.stringify(e)) as WatchEvent);
          const decoded = await decodeBoth(cut(encode(text), cuts));
          expect(decoded).toEqual(expected);
          // The last line needs no newline.
          const unterminated = await decodeBoth(cut(encode(text.trimEnd()), cuts));
          expect(unterminated).toEqual(expected);
          expectNoPollution(before);
        },
      ),
      fuzzParams(1000),
    );
  });

  it('garbage lines between valid events become InternalError ERROR events, one per line', async () => {
    const line = fc.oneof(
      validEvent.map((e) => ({ text: JSON.stringify(e), expected: JSON.parse(JSON.stringify(e)) as WatchEvent })),
      garbageLine.map((text) => ({ text, expected: undefined })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 10 }), fractions, async (lines, cuts) => {
        const bytes = encode(lines.map((l) => `${l.text}\n`).join(''));
        const decoded = await decodeBoth(cut(bytes, cuts));
        expect(decoded).toHaveLength(lines.length);
        decoded.forEach((ev, i) => {
          const want = lines[i]!.expected;
          if (want) expect(ev).toEqual(want);
          else expect(isDecodeError(ev)).toBe(true);
        });
        for (const l of lines) expect(parseWatchLine(l.text)).toEqual(decoded[lines.indexOf(l)]);
        expectNoPollution(before);
      }),
      fuzzParams(1000),
    );
  });

  // A TextDecoder-based decoder once dropped a leading BOM that StreamWatch (and client-go) reject.
  it('regression: a leading BOM is an invalid event however the stream is read', async () => {
    const [ev] = await decodeBoth([encode('\uFEFF{"type":"ADDED","object":{}}\n')]);
    expect(isDecodeError(ev!)).toBe(true);
  });

  it('prototype keys in events stay data', async () => {
    const lines = [
      '{"type":"ADDED","object":{"__proto__":{"polluted":1}}}',
      '{"type":"ADDED","object":{"constructor":{"prototype":{"polluted":1}}}}',
      '{"__proto__":{"polluted":1},"type":"MODIFIED","object":{"a":1}}',
      '{"type":"ERROR","object":{"__proto__":{"reason":"Expired"}}}',
    ];
    const events = await decodeBoth([encode(`${lines.join('\n')}\n`)]);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'MODIFIED', 'ERROR']);
    expect(Object.getPrototypeOf(events[0]!.object)).toBe(Object.prototype);
    expect(Object.hasOwn(events[0]!.object as object, '__proto__')).toBe(true);
    expect((events[3]!.object as Status).reason).toBeUndefined();
    expectNoPollution(before);
  });
});
