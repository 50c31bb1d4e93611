// The processing set of the work queue (in-flight.ts): the array form for a few items and the Set
// form beyond 32 agree with a plain Set on every operation, including NaN and -0 (SameValueZero).
import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/util/workqueue/in-flight.js';

describe('InFlight', () => {
  it.each([1, 5, 32, 33, 100])('agrees with a Set for %i items added, probed and removed in mixed order', (n) => {
    const f = new InFlight<number | string>();
    const s = new Set<number | string>();
    const items = Array.from({ length: n }, (_, i) => (i % 2 ? i : `k${i}`));
    for (const x of items) {
      f.add(x);
      s.add(x);
      expect(f.size).toBe(s.size);
    }
    for (const x of [...items, 'missing', -1]) expect(f.has(x)).toBe(s.has(x));
    // remove every third item, then the rest in reverse, checking membership on the way
    const order = [...items.filter((_, i) => i % 3 === 0), ...items.filter((_, i) => i % 3 !== 0).reverse()];
    for (const x of order) {
      expect(f.delete(x)).toBe(s.delete(x));
      expect(f.delete(x)).toBe(false);
      expect(f.size).toBe(s.size);
      for (const y of items) expect(f.has(y)).toBe(s.has(y));
    }
    expect(f.size).toBe(0);
  });

  it('goes back to the array form once the Set form empties, and keeps working', () => {
    const f = new InFlight<number>();
    for (let i = 0; i < 40; i++) f.add(i);
    for (let i = 0; i < 40; i++) f.delete(i);
    expect(f.size).toBe(0);
    f.add(7);
    expect(f.has(7)).toBe(true);
    expect(f.has(8)).toBe(false);
    expect(f.delete(7)).toBe(true);
    expect(f.size).toBe(0);
  });

  it('compares as a Set does: NaN equals NaN, -0 equals 0, objects by identity', () => {
    const f = new InFlight<unknown>();
    const o = { a: 1 };
    f.add(Number.NaN);
    f.add(-0);
    f.add(o);
    expect(f.has(Number.NaN)).toBe(true);
    expect(f.has(0)).toBe(true);
    expect(f.has({ a: 1 })).toBe(false);
    expect(f.has(o)).toBe(true);
    expect(f.delete(Number.NaN)).toBe(true);
    expect(f.has(Number.NaN)).toBe(false);
    expect(f.delete(0)).toBe(true);
    expect(f.size).toBe(1);
  });
});
