// Fifo (util/ds): first-in first-out order and length through interleaved push/shift, falsy items kept,
// order intact across the head compaction, and a bounded backing array in steady push/shift use.
import { describe, expect, it } from 'vitest';
import { Fifo } from '../../../src/util/ds/fifo.js';

type Step = ['push', string] | ['shift', string | undefined] | ['len', number];

/** The backing array, read only to check that compaction keeps memory bounded. */
const backing = (f: Fifo<unknown>) => (f as unknown as { items: unknown[] }).items.length;

describe('Fifo', () => {
  it.each<[string, Step[]]>([
    [
      'an empty queue has length 0 and shifts undefined',
      [
        ['len', 0],
        ['shift', undefined],
        ['len', 0],
      ],
    ],
    [
      'shifts in push order',
      [
        ['push', 'a'],
        ['push', 'b'],
        ['push', 'c'],
        ['len', 3],
        ['shift', 'a'],
        ['shift', 'b'],
        ['shift', 'c'],
        ['len', 0],
      ],
    ],
    [
      'interleaved push and shift keep the order',
      [
        ['push', 'a'],
        ['push', 'b'],
        ['shift', 'a'],
        ['push', 'c'],
        ['len', 2],
        ['shift', 'b'],
        ['push', 'd'],
        ['shift', 'c'],
        ['shift', 'd'],
        ['len', 0],
      ],
    ],
    [
      'works again after being drained',
      [
        ['push', 'a'],
        ['shift', 'a'],
        ['shift', undefined],
        ['len', 0],
        ['push', 'b'],
        ['len', 1],
        ['shift', 'b'],
      ],
    ],
    [
      'does not deduplicate',
      [
        ['push', 'a'],
        ['push', 'a'],
        ['len', 2],
        ['shift', 'a'],
        ['shift', 'a'],
        ['shift', undefined],
      ],
    ],
  ])('%s', (_n, steps) => {
    const f = new Fifo<string>();
    for (const [op, arg] of steps) {
      if (op === 'push') f.push(arg);
      else if (op === 'shift') expect(f.shift()).toBe(arg);
      else expect(f.length).toBe(arg);
    }
  });

  it('keeps falsy items, told apart from empty by length', () => {
    const items = [0, '', null, false, undefined, Number.NaN];
    const f = new Fifo<unknown>();
    for (const x of items) f.push(x);
    expect(f.length).toBe(items.length);
    const out: unknown[] = [];
    while (f.length > 0) out.push(f.shift());
    expect(out).toEqual(items);
    expect(f.shift()).toBeUndefined();
  });

  it.each([
    ['just past the compaction threshold', 4097, 4097],
    ['a large queue drained in one go', 20_000, 20_000],
    ['a large queue drained halfway, then refilled', 20_000, 10_000],
  ])('keeps order and length across compaction: %s', (_n, pushed, shifted) => {
    const f = new Fifo<number>();
    for (let i = 0; i < pushed; i++) f.push(i);
    const out: number[] = [];
    let lengthsOk = true;
    for (let i = 0; i < shifted; i++) {
      out.push(f.shift()!);
      lengthsOk &&= f.length === pushed - out.length;
    }
    expect(lengthsOk).toBe(true);
    for (let i = pushed; i < pushed + 100; i++) f.push(i);
    while (f.length > 0) out.push(f.shift()!);
    expect(out).toEqual(Array.from({ length: pushed + 100 }, (_, i) => i));
    expect(f.shift()).toBeUndefined();
  });

  it('steady push/shift keeps the backing array bounded', () => {
    const f = new Fifo<number>();
    const out: number[] = [];
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      f.push(i);
      if (i % 2 === 1) out.push(f.shift()!, f.shift()!);
      largest = Math.max(largest, backing(f));
    }
    expect(out).toEqual(Array.from({ length: 100_000 }, (_, i) => i));
    expect(f.length).toBe(0);
    expect(largest).toBeLessThan(10_000);
  });

  it('a queue that stays long still compacts once most of it is consumed', () => {
    const f = new Fifo<number>();
    for (let i = 0; i < 50_000; i++) f.push(i);
    for (let i = 0; i < 40_000; i++) f.shift();
    expect(f.length).toBe(10_000);
    expect(backing(f)).toBeLessThanOrEqual(25_000);
    expect(f.shift()).toBe(40_000);
  });
});
