// The work queue's fast paths (issue 20): tryGet() without a Promise, the dirty set touched once per
// add, done() consulting the dirty set only for items added again while in flight, and the delaying
// queue's last-bucket cache. Each case checks the same rules as get()/done() keep.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/wait/clock.js';
import { DelayingQueue, Queue } from '../../../src/util/workqueue/index.js';

type Step =
  | ['add', string]
  | ['tryGet', string | undefined]
  | ['get', string]
  | ['done', string]
  | ['len', number]
  | ['shutDown'];

describe('Queue.tryGet', () => {
  it.each<[string, Step[]]>([
    ['hands out nothing from an empty queue', [['tryGet', undefined]]],
    [
      'hands out queued items in FIFO order, each once',
      [
        ['add', 'a'],
        ['add', 'b'],
        ['tryGet', 'a'],
        ['tryGet', 'b'],
        ['tryGet', undefined],
        ['len', 0],
      ],
    ],
    [
      'marks the item as processing: an add meanwhile waits for done',
      [
        ['add', 'a'],
        ['tryGet', 'a'],
        ['add', 'a'],
        ['len', 0],
        ['tryGet', undefined],
        ['done', 'a'],
        ['len', 1],
        ['tryGet', 'a'],
      ],
    ],
    [
      'mixes with get()',
      [
        ['add', 'a'],
        ['add', 'b'],
        ['get', 'a'],
        ['tryGet', 'b'],
        ['done', 'a'],
        ['done', 'b'],
        ['len', 0],
      ],
    ],
    ['still hands out queued items after shutDown', [['add', 'a'], ['shutDown'], ['tryGet', 'a']]],
  ])('%s', async (_name, steps) => {
    const q = new Queue<string>();
    for (const step of steps) {
      if (step[0] === 'add') q.add(step[1]);
      else if (step[0] === 'done') q.done(step[1]);
      else if (step[0] === 'len') expect(q.len()).toBe(step[1]);
      else if (step[0] === 'shutDown') q.shutDown();
      else if (step[0] === 'get') expect((await q.get()).item).toBe(step[1]);
      else expect(q.tryGet()?.item).toBe(step[1]);
    }
  });

  it('reports shutdown once shut down and empty, and nothing before', () => {
    const q = new Queue<string>();
    expect(q.tryGet()).toBeUndefined();
    q.shutDown();
    expect(q.tryGet()).toEqual({ item: undefined, shutdown: true });
  });

  it('never takes an item ahead of a waiting get()', async () => {
    const q = new Queue<string>();
    const waiting = q.get();
    q.add('a');
    expect(q.tryGet()).toBeUndefined(); // 'a' already belongs to the waiting getter
    expect(await waiting).toEqual({ item: 'a', shutdown: false });
  });
});

describe('Queue: items added again while in flight', () => {
  it('re-queues each of several in-flight items exactly once, in done order', () => {
    const q = new Queue<string>();
    for (const k of ['a', 'b', 'c']) q.add(k);
    const taken = [q.tryGet()!.item, q.tryGet()!.item, q.tryGet()!.item];
    expect(taken).toEqual(['a', 'b', 'c']);
    q.add('c');
    q.add('a');
    q.add('a'); // collapses with the add before
    q.done('b'); // not added again: gone
    q.done('a');
    q.done('c');
    expect(q.len()).toBe(2);
    expect([q.tryGet()?.item, q.tryGet()?.item, q.tryGet()]).toEqual(['a', 'c', undefined]);
  });

  it('done() of an item that is queued but not in flight does not queue it twice', () => {
    const q = new Queue<string>();
    q.add('a');
    q.done('a');
    expect(q.len()).toBe(1);
    expect(q.tryGet()?.item).toBe('a');
    q.done('a');
    expect(q.tryGet()).toBeUndefined();
  });

  it('after many rounds of re-adds the queue is empty and takes new items normally', () => {
    const q = new Queue<number>();
    for (let i = 0; i < 100; i++) q.add(i);
    for (let round = 0; round < 5; round++) {
      const inFlight: number[] = [];
      for (let r = q.tryGet(); r && !r.shutdown; r = q.tryGet()) inFlight.push(r.item);
      expect(inFlight).toHaveLength(100);
      for (const i of inFlight) if (round < 4 && i % 2 === 0) q.add(i); // even ones come back
      for (const i of inFlight) q.done(i);
      if (round < 4) {
        expect(q.len()).toBe(50);
        for (let i = 1; i < 100; i += 2) q.add(i); // odd ones are added anew
      }
    }
    expect(q.len()).toBe(0);
    q.add(7);
    expect(q.tryGet()?.item).toBe(7);
  });

  it('shutDownWithDrain resolves when the last in-flight item is done', async () => {
    const q = new Queue<string>();
    q.add('a');
    q.add('b');
    q.tryGet();
    q.tryGet();
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => {
      drained = true;
    });
    q.done('a');
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    q.done('b');
    await drain;
    expect(drained).toBe(true);
  });
});

describe('DelayingQueue: items of one millisecond share a bucket', () => {
  it('keeps add order within a millisecond across several buckets and firings', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 0.2); // bucket 1
    q.addAfter('b', 0.7); // bucket 1 (cached)
    q.addAfter('c', 1.5); // bucket 2
    q.addAfter('d', 0.9); // bucket 1 again, after another bucket was used
    clock.step(1);
    expect([q.tryGet()?.item, q.tryGet()?.item, q.tryGet()?.item, q.tryGet()]).toEqual(['a', 'b', 'd', undefined]);
    q.addAfter('e', 0.5); // bucket 2 again, after bucket 1 fired
    q.addAfter('f', 5); // bucket 6
    clock.step(1);
    expect([q.tryGet()?.item, q.tryGet()?.item, q.tryGet()]).toEqual(['c', 'e', undefined]);
    expect(q.waitingLen()).toBe(1);
    clock.step(4);
    expect(q.tryGet()?.item).toBe('f');
    q.addAfter('g', 0.5); // a fresh bucket 7 after every earlier one fired
    clock.step(1);
    expect(q.tryGet()?.item).toBe('g');
    expect(clock.pendingTimers).toBe(0);
  });

  it('moving an item earlier leaves its later bucket entry inert', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 3);
    q.addAfter('b', 3);
    q.addAfter('a', 1);
    clock.step(1);
    expect(q.tryGet()?.item).toBe('a');
    q.done('a');
    clock.step(2);
    expect([q.tryGet()?.item, q.tryGet()]).toEqual(['b', undefined]);
  });

  it('an item that came due is not waiting any more, even after its slot went to another item', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<string>({ clock });
    q.addAfter('a', 1);
    q.addAfter('keep', 50); // keeps the slots and the item map alive
    clock.step(1);
    expect(q.tryGet()?.item).toBe('a');
    q.done('a');
    expect(q.waitingLen()).toBe(1);
    q.addAfter('b', 5); // takes the slot 'a' had
    q.addAfter('a', 10); // 'a' waits anew: not mistaken for a live entry, nor for 'b'
    expect(q.waitingLen()).toBe(3);
    q.addAfter('a', 20); // later than its live entry: ignored
    q.addAfter('b', 2); // earlier: moves 'b'
    expect(q.waitingLen()).toBe(3);
    clock.step(2);
    expect([q.tryGet()?.item, q.tryGet()]).toEqual(['b', undefined]);
    clock.step(8);
    expect([q.tryGet()?.item, q.tryGet()]).toEqual(['a', undefined]);
    expect(q.waitingLen()).toBe(1);
    clock.step(40);
    expect(q.tryGet()?.item).toBe('keep');
    expect(q.waitingLen()).toBe(0);
  });

  it('keeps exact waiting counts and order through many items coming due while one keeps waiting', () => {
    const clock = new FakeClock(0);
    const q = new DelayingQueue<number>({ clock });
    q.addAfter(-1, 1_000_000);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3000; i++) q.addAfter(i, 1 + (i % 7));
      expect(q.waitingLen()).toBe(3001);
      clock.step(10);
      expect(q.waitingLen()).toBe(1);
      const got: number[] = [];
      for (let r = q.tryGet(); r && !r.shutdown; r = q.tryGet()) got.push(r.item);
      expect(got).toHaveLength(3000);
      expect(new Set(got).size).toBe(3000);
      for (const i of got) q.done(i);
    }
    q.addAfter(5, 1);
    q.addAfter(5, 3); // later than the live entry: ignored
    expect(q.waitingLen()).toBe(2);
    clock.step(1);
    expect([q.tryGet()?.item, q.tryGet()]).toEqual([5, undefined]);
  });
});
