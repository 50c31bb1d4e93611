// The streaming List decoder against JSON.parse of the whole body: generated Lists (unicode,
// escapes, braces and brackets inside strings, any JSON as items) cut into chunks at every byte,
// arbitrary JSON documents, malformed bodies (both reject), the early metadata hook, and
// Request.doList over a round trip that delivers the body in pieces.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HttpResponse, ListDecoder, noWarnings, restClientFor, type RoundTrip } from '../../../src/rest/index.js';
import { StatusError } from '../../../src/apimachinery/errors.js';

/** Decodes `bytes` fed as the given chunks (cut positions); 'error' when it throws. */
function decode(bytes: Buffer, cuts: number[]): unknown {
  const d = new ListDecoder();
  try {
    let from = 0;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      d.write(bytes.subarray(from, cut));
      from = cut;
    }
    d.write(bytes.subarray(from));
    return d.end();
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return 'error';
  }
}

function reference(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'error';
  }
}

// Strings that stress the scanner: quotes, backslashes, braces, brackets, commas, unicode.
const tricky = fc.oneof(
  fc.string({
    unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'a', ' ', '\n', 'é', '€', '😀'),
    maxLength: 12,
  }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constant('\\"}],{["'),
);
const leaf = fc.oneof(
  tricky,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
})).value;
const configMap = fc.record({
  metadata: fc.record({ name: tricky, namespace: fc.constant('ns'), resourceVersion: fc.nat().map(String) }),
  data: fc.dictionary(tricky, tricky, { maxKeys: 3 }),
});
const list = fc.record({
  kind: fc.constant('ConfigMapList'),
  apiVersion: fc.constant('v1'),
  metadata: fc.record({ resourceVersion: fc.nat().map(String), continue: fc.option(tricky, { nil: undefined }) }),
  items: fc.array(fc.oneof({ weight: 4, arbitrary: configMap }, { weight: 1, arbitrary: value }), { maxLength: 8 }),
});
// Serialized compactly or indented (whitespace between every token).
const body = (v: fc.Arbitrary<unknown>) =>
  fc.tuple(v, fc.constantFrom(undefined, 1, '\t')).map(([x, indent]) => Buffer.from(JSON.stringify(x, null, indent)));

describe('ListDecoder', () => {
  it('equals JSON.parse for generated Lists cut into two chunks at every byte', () => {
    fc.assert(
      fc.property(body(list), (bytes) => {
        const want = reference(bytes);
        for (let cut = 0; cut <= bytes.length; cut++) {
          const got = decode(bytes, [cut]);
          if (!isDeepStrictEqual(got, want)) expect({ cut, got }).toStrictEqual({ cut, got: want });
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('equals JSON.parse for generated Lists fed one byte at a time and in random chunks', () => {
    fc.assert(
      fc.property(body(list), fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const want = reference(bytes);
        expect(
          decode(
            bytes,
            Array.from({ length: bytes.length }, (_, i) => i),
          ),
        ).toStrictEqual(want);
        expect(
          decode(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          ),
        ).toStrictEqual(want);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('equals JSON.parse for any JSON document (items absent, not an array, repeated, escaped key)', () => {
    const documents = fc.oneof(
      body(value),
      body(fc.record({ items: value, metadata: value })),
      fc
        .constantFrom(
          '{"items":[1],"items":[2,3]}',
          '{"items":[1],"items":null}',
          '{"items":null,"items":[{"a":"}"}]}',
          '{"\\u0069tems":[{"x":"\\u00e9"}]}',
          '{"a":"items","items":[" , ] "]}',
          '{"items":[]}',
          '{"items":[ ]}',
          '{"items":[[1,[2]],{"k":[]}]}',
          '  {"items" : [ 1 , 2 ] }  ',
          '"items"',
          '[{"items":[1]}]',
          '',
          '\uFEFF{"items":[]}',
        )
        .map((s) => Buffer.from(s)),
    );
    fc.assert(
      fc.property(documents, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const want = reference(bytes);
        expect(
          decode(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          ),
        ).toStrictEqual(want);
        for (let cut = 0; cut <= Math.min(bytes.length, 80); cut++) expect(decode(bytes, [cut])).toStrictEqual(want);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('rejects what JSON.parse rejects (one byte removed, replaced or inserted)', () => {
    const edits = fc.tuple(
      body(list),
      fc.nat(),
      fc.constantFrom('', ',', ']', '}', '[', '{', '"', '\\', ' ', 'x', ':'),
    );
    fc.assert(
      fc.property(edits, fc.nat(), ([bytes, at, insert], cut) => {
        const pos = at % (bytes.length + 1);
        const broken = Buffer.concat([bytes.subarray(0, pos), Buffer.from(insert), bytes.subarray(pos + 1)]);
        const want = reference(broken);
        const got = decode(broken, [cut % (broken.length + 1)]);
        if (want === 'error') expect(got).toBe('error');
        else expect(got).toStrictEqual(want);
      }),
      { numRuns: 400 },
    );
    for (const bad of [
      '{"items":[1,]}',
      '{"items":[,1]}',
      '{"items":[1 2]}',
      '{"items":[,]}',
      '{"items":[1',
      '{"items":[1]',
    ]) {
      for (let cut = 0; cut <= bad.length; cut++) expect(decode(Buffer.from(bad), [cut]), bad).toBe('error');
    }
  }, 120_000);

  it('keeps multi-byte characters split across chunks', () => {
    const bytes = Buffer.from(JSON.stringify({ items: [{ s: 'é€😀'.repeat(20) }, { t: '中文' }] }));
    for (let cut = 0; cut <= bytes.length; cut++) expect(decode(bytes, [cut])).toStrictEqual(reference(bytes));
  });

  it('hands over the metadata as soon as it has arrived, before the items', () => {
    const text = JSON.stringify({
      kind: 'ConfigMapList',
      metadata: { resourceVersion: '7', continue: 'tok"en}' },
      items: [{ a: 1 }, { b: 2 }],
    });
    const seen: unknown[] = [];
    const d = new ListDecoder({ onMeta: (m) => seen.push(m) });
    const metaEnd = text.indexOf('"items"');
    d.write(Buffer.from(text.slice(0, metaEnd)));
    expect(seen).toEqual([{ resourceVersion: '7', continue: 'tok"en}' }]);
    d.write(Buffer.from(text.slice(metaEnd)));
    expect(d.end()).toEqual(JSON.parse(text));
    expect(seen).toHaveLength(1);
  });

  it('parses complete items as they arrive and holds back only the partial one', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({
      metadata: { name: `cm-${i}` },
      data: { p: 'x'.repeat(100) },
    }));
    const bytes = Buffer.from(JSON.stringify({ kind: 'L', metadata: {}, items }));
    const d = new ListDecoder();
    const half = Math.floor(bytes.length / 2);
    d.write(bytes.subarray(0, half));
    // Only the bytes of the item cut in two are still held.
    const held = (d as unknown as { groupParts: Buffer[] }).groupParts.reduce((n, b) => n + b.length, 0);
    expect(held).toBeLessThan(200);
    expect((d as unknown as { items: unknown[] }).items.length).toBeGreaterThan(20);
    d.write(bytes.subarray(half));
    expect(d.end()).toEqual({ kind: 'L', metadata: {}, items });
  });
});

describe('Request.doList', () => {
  function pieces(text: string, size: number): HttpResponse {
    const bytes = Buffer.from(text);
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: {
        async *[Symbol.asyncIterator]() {
          for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
        },
        text: async () => text,
        arrayBuffer: async () =>
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      },
    };
  }
  const client = (roundTrip: RoundTrip) =>
    restClientFor(
      {
        host: 'https://api.test:6443',
        groupVersion: { group: '', version: 'v1' },
        qps: -1,
        warningHandler: noWarnings,
      },
      { roundTrip },
    );

  it('returns what do().into() returns, and the metadata early', async () => {
    const text = JSON.stringify({
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '9', continue: 'c1' },
      items: Array.from({ length: 30 }, (_, i) => ({ metadata: { name: `cm-${i}` }, data: { k: '{"}\\' } })),
    });
    const rc = client(async () => pieces(text, 97));
    const metas: unknown[] = [];
    const got = await rc
      .get()
      .namespace('ns')
      .resource('configmaps')
      .doList({ onMeta: (m) => metas.push(m) });
    expect(got).toEqual(JSON.parse(text));
    expect(metas).toEqual([{ resourceVersion: '9', continue: 'c1' }]);
    expect(await rc.get().namespace('ns').resource('configmaps').doList()).toEqual(
      (
        await client(async () => pieces(text, 4096))
          .get()
          .namespace('ns')
          .resource('configmaps')
          .do()
      ).into(),
    );
  });

  it('throws a StatusError for an error answer and a SyntaxError for a malformed body', async () => {
    const refused = client(async () => ({
      ...pieces(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'no' }), 10),
      status: 403,
    }));
    await expect(refused.get().resource('configmaps').doList()).rejects.toBeInstanceOf(StatusError);
    const garbage = client(async () => pieces('{"items":[{"a":1},,]}', 5));
    await expect(garbage.get().resource('configmaps').doList()).rejects.toBeInstanceOf(SyntaxError);
  });
});
