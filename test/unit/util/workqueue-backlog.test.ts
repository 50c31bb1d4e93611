// The delaying queue's record backlog (issue 20): one map item -> record holds both the dirty flag
// and the waiting entry, items coming due move into the queue without a hash operation, the map is
// built only once an item is looked up again (a Set of the items seen serves until then), stale
// map entries and stale bucket entries are ignored, and records are reused only once no bucket
// names them. Each case checks the rules client-go keeps: dirty set, processing set, earlier only.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/wait/clock.js';
import { RecordBacklog, SetBacklog } from '../../../src/util/workqueue/backlog.js';
import { DelayingQueue } from '../../../src/util/workqueue/index.js';

function drain<T>(q: DelayingQueue<T>): T[] {
  const got: T[] = [];
  for (let r = q.tryGet(); r && !r.shutdown; r = q.tryGet()) got.push(r.item);
  return got;
}

describe('backlogs', () => {
  it.each([
    ['SetBacklog', () => new SetBacklog<string>()],
    ['RecordBacklog', () => new RecordBacklog<string>()],
  ])('%s: marks once, queues in order, forgets the dirty flag on shift', (_name, make) => {
    const b = make();
    expect(b.dirtyHandle('a')).toBe(-1);
    const ha = b.mark('a');
    expect(ha).toBeGreaterThanOrEqual(0);
    expect(b.mark('a')).toBe(-1);
    b.enqueue('a', ha);
    b.enqueue('b', b.mark('b'));
    expect(b.length).toBe(2);
    expect(b.dirtyHandle('a')).toBeGreaterThanOrEqual(0);
    expect(b.shift()).toBe('a');
    expect(b.dirtyHandle('a')).toBe(-1);
    expect(b.mark('a')).toBeGreaterThanOrEqual(0); // dirty again after its take
    expect(b.shift()).toBe('b');
    expect(b.length).toBe(0);
  });

  it('RecordBacklog: items never seen are new, seen ones are found, released ones are new again', () => {
    const b = new RecordBacklog<number>();
    expect(b.findOrNew(1)).toBe(-1);
    const r1 = b.create(1, 0, 5);
    expect(b.findOrNew(1)).toBe(r1); // a second look: the map is built and finds it
    expect(b.find(2)).toBe(-1);
    expect(b.findOrNew(2)).toBe(-1);
    const r2 = b.create(2, 1, Number.NaN);
    b.enqueue(2, r2);
    expect(b.shift()).toBe(2); // neither dirty nor waiting any more: released
    expect(b.find(2)).toBe(-1);
    expect(b.findOrNew(2)).toBe(-1);
  });
});

describe('DelayingQueue on the record backlog', () => {
  it('keeps dedup and earlier-only once an item comes back after many new ones', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<number>({ clock });
    for (let i = 0; i < 5000; i++) q.addAfter(i, 10); // all new: no map needed
    q.addAfter(7, 20); // later: ignored (the first lookup builds the map)
    q.addAfter(9, 5); // earlier: moves
    q.add(11); // queued now, and still waiting
    expect(q.waitingLen()).toBe(5000);
    expect(drain(q)).toEqual([11]);
    clock.step(5);
    expect(drain(q)).toEqual([9]);
    q.done(11);
    q.done(9);
    clock.step(5);
    const got = drain(q);
    expect(got).toHaveLength(4999); // 9 came due already; 11 comes again (it was done)
    expect(got.slice(0, 3)).toEqual([0, 1, 2]);
    expect(new Set(got).size).toBe(4999);
    expect(q.waitingLen()).toBe(0);
    clock.step(20);
    expect(drain(q)).toEqual([]); // 7's later add left nothing behind
    expect(clock.pendingTimers).toBe(0);
  });

  it('an item both queued and waiting is queued once; when done before its wait ends it comes again', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<string>({ clock });
    q.add('a');
    q.addAfter('a', 5);
    q.add('b');
    q.addAfter('b', 5);
    expect(q.len()).toBe(2);
    expect(q.tryGet()?.item).toBe('a');
    q.done('a');
    clock.step(5); // 'a' waited: queued again; 'b' is still queued: not twice
    expect(drain(q)).toEqual(['b', 'a']);
  });

  it('an item in flight when it comes due is queued again only at done', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 1);
    clock.step(1);
    expect(q.tryGet()?.item).toBe('a');
    q.addAfter('a', 1);
    clock.step(1);
    expect(q.len()).toBe(0);
    q.done('a');
    expect(drain(q)).toEqual(['a']);
  });

  it('does not give a record to a new item while a stale bucket entry still names it', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 3); // bucket 3
    q.addAfter('x', 3); // bucket 3, after 'a'
    q.addAfter('a', 1); // moves to bucket 1: its entry in bucket 3 is stale
    clock.step(1);
    expect(q.tryGet()?.item).toBe('a');
    q.done('a');
    q.addAfter('b', 2); // bucket 3, after 'x'
    clock.step(2);
    expect(drain(q)).toEqual(['x', 'b']);
    q.addAfter('c', 1); // every stale entry is gone: records are reused again
    clock.step(1);
    expect(drain(q)).toEqual(['c']);
  });

  it('compares NaN items as a Set does', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<number>({ clock });
    q.addAfter(Number.NaN, 2);
    q.addAfter(Number.NaN, 3);
    q.addAfter(Number.NaN, 1);
    expect(q.waitingLen()).toBe(1);
    q.add(Number.NaN);
    q.add(Number.NaN);
    expect(q.len()).toBe(1);
    expect(drain(q)).toEqual([Number.NaN]);
    clock.step(1); // in flight: queued again at done
    expect(q.len()).toBe(0);
    q.done(Number.NaN);
    expect(drain(q)).toEqual([Number.NaN]);
  });

  it('stays exact through rounds of churn, with the map rebuilt while one item keeps waiting', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<number>({ clock });
    q.addAfter(-1, 1_000_000); // the backlog never empties
    q.addAfter(-1, 2_000_000); // a second look: the map is in use from now on
    for (let round = 0; round < 4; round++) {
      const base = round * 3000;
      for (let i = base; i < base + 3000; i++) q.addAfter(i, 1 + (i % 5));
      q.addAfter(base, 50); // later: ignored
      q.add(base + 1); // queued now and waiting
      expect(q.waitingLen()).toBe(3001);
      expect(drain(q)).toEqual([base + 1]);
      q.done(base + 1);
      clock.step(10);
      const got = drain(q);
      expect(got).toHaveLength(3000);
      expect(new Set(got).size).toBe(3000);
      for (const i of got) q.done(i);
      expect(q.waitingLen()).toBe(1);
    }
    q.addAfter(5, 1);
    q.addAfter(5, 3);
    clock.step(1);
    expect(drain(q)).toEqual([5]);
  });

  it('stays exact when only new items pass through while some keep waiting (the seen set is rebuilt)', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<number>({ clock });
    q.addAfter(-1, 1_000_000); // the backlog never empties
    q.addAfter(-2, 1_000_000);
    for (let round = 0; round < 4; round++) {
      const base = round * 3000;
      for (let i = base; i < base + 3000; i++) q.addAfter(i, 1); // each item once: no lookups
      clock.step(1);
      const got = drain(q);
      expect(got).toHaveLength(3000);
      for (const i of got) q.done(i);
    }
    q.add(-1); // waiting, not queued: queued now, once
    q.add(-1);
    q.addAfter(-2, 5); // earlier: moves
    expect(q.waitingLen()).toBe(2);
    expect(drain(q)).toEqual([-1]);
    clock.step(5);
    expect(drain(q)).toEqual([-2]);
    expect(q.waitingLen()).toBe(1);
  });

  it('works on after a burst drained (tables dropped) and after small rounds that empty it (records reused)', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<number>({ clock });
    for (let round = 0; round < 3; round++) {
      const n = round === 1 ? 6000 : 10; // a burst beyond the reuse limit in the middle
      for (let i = 0; i < n; i++) q.addAfter(i, 1);
      q.addAfter(0, 5); // later: ignored
      clock.step(1);
      const got = drain(q);
      expect(got).toHaveLength(n);
      for (const i of got) q.done(i);
      expect([q.len(), q.waitingLen()]).toEqual([0, 0]);
      q.addAfter(1, 5);
      q.addAfter(1, 3); // earlier: moves
      q.add(1);
      q.add(1);
      expect(drain(q)).toEqual([1]);
      q.done(1);
      clock.step(3);
      expect(drain(q)).toEqual([1]);
      q.done(1);
      clock.step(2);
      expect(drain(q)).toEqual([]);
    }
    expect(clock.pendingTimers).toBe(0);
  });
});
