// watch.Broadcaster (apimachinery's mux): fan-out in order to every watcher, per-watcher buffers and
// the full-buffer policies, late watchers, prefixes, stopping one watcher, shutdown and what follows it.
import { describe, expect, it } from 'vitest';
import type { Watch, WatchEvent } from '../../../src/apimachinery/watch/types.js';
import { Broadcaster, type FullChannelBehavior } from '../../../src/watch/index.js';

/** Every object the watch delivers until it ends. */
async function collect<T>(w: Watch<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const ev of w) out.push(ev.object);
  return out;
}

/** Reads one event at a time without ending the watch. */
function reader<T>(w: Watch<T>) {
  const it = w[Symbol.asyncIterator]();
  return async (): Promise<T | undefined> => {
    const r = await it.next();
    return r.done ? undefined : r.value.object;
  };
}

/** Whether `p` settled within a few turns of the event loop (the waiting broadcaster polls every ms). */
async function settled(p: Promise<unknown>, ms = 20): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setTimeout(r, ms));
  return done;
}

const policies: FullChannelBehavior[] = ['waitIfChannelFull', 'dropIfChannelFull'];

describe('Broadcaster: delivery', () => {
  it('keeps its queue length and policy, waiting when full by default', () => {
    expect(new Broadcaster(7)).toMatchObject({ queueLength: 7, fullChannelBehavior: 'waitIfChannelFull' });
    expect(new Broadcaster(3, 'dropIfChannelFull').fullChannelBehavior).toBe('dropIfChannelFull');
  });

  it.each(policies.flatMap((policy) => [0, 1, 100].map((queueLength) => ({ policy, queueLength }))))(
    'gives every reading watcher every event in order ($policy, queue $queueLength)',
    async ({ policy, queueLength }) => {
      const b = new Broadcaster<{ n: number }>(queueLength, policy);
      const watchers = [b.watch(), b.watch(), b.watch()];
      const reading = watchers.map(collect);
      const sent = Array.from({ length: 30 }, (_, n) => ({ n }));
      for (const obj of sent) await b.action('MODIFIED', obj);
      await b.shutdown();
      for (const got of await Promise.all(reading)) {
        // The very objects, not copies, in the order they were sent.
        expect(got).toHaveLength(sent.length);
        expect(got.every((obj, i) => obj === sent[i])).toBe(true);
      }
    },
  );

  it('keeps the event type', async () => {
    const b = new Broadcaster<string>(10);
    const w = b.watch();
    const types: WatchEvent<string>[] = [];
    const reading = (async () => {
      for await (const ev of w) types.push(ev);
    })();
    await b.action('ADDED', 'a');
    await b.action('MODIFIED', 'a');
    await b.action('DELETED', 'a');
    await b.shutdown();
    await reading;
    expect(types.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('a queue length of 0 does not block a reading watcher forever (Go: an unbuffered channel)', async () => {
    const b = new Broadcaster<number>(0, 'waitIfChannelFull');
    const w = b.watch();
    const reading = collect(w);
    for (let i = 0; i < 5; i++) await b.action('ADDED', i);
    await b.shutdown();
    expect(await reading).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('Broadcaster: a full watcher', () => {
  it('waitIfChannelFull: action waits until the watcher has room, and nothing is lost', async () => {
    const b = new Broadcaster<number>(2, 'waitIfChannelFull');
    const w = b.watch();
    await b.action('ADDED', 1);
    await b.action('ADDED', 2);
    const third = b.action('ADDED', 3);
    expect(await settled(third)).toBe(false);
    const next = reader(w);
    expect(await next()).toBe(1);
    await third;
    b.shutdown();
    expect(await collect(w)).toEqual([2, 3]);
  });

  it('waitIfChannelFull: a full watcher holds back later events from the others too', async () => {
    const b = new Broadcaster<number>(1, 'waitIfChannelFull');
    const slow = b.watch();
    const fast = b.watch();
    const fastGot: number[] = [];
    const reading = (async () => {
      for await (const ev of fast) fastGot.push(ev.object);
    })();
    await b.action('ADDED', 1);
    void b.action('ADDED', 2);
    const third = b.action('ADDED', 3);
    expect(await settled(third)).toBe(false);
    expect(fastGot).not.toContain(3);
    const slowNext = reader(slow);
    expect(await slowNext()).toBe(1);
    expect(await slowNext()).toBe(2);
    await third;
    await b.shutdown();
    await reading;
    expect(fastGot).toEqual([1, 2, 3]);
  });

  it('dropIfChannelFull: a full watcher misses the event, the others get it, action does not wait', async () => {
    const b = new Broadcaster<number>(1, 'dropIfChannelFull');
    const full = b.watch();
    const alsoFull = b.watch();
    const reading = b.watch();
    const got = collect(reading);
    await b.action('ADDED', 1);
    await b.action('ADDED', 2);
    await b.action('ADDED', 3);
    await b.shutdown();
    expect(await collect(full)).toEqual([1]);
    expect(await collect(alsoFull)).toEqual([1]);
    expect(await got).toEqual([1, 2, 3]);
  });

  it('dropIfChannelFull: a watcher that made room gets the events after that', async () => {
    const b = new Broadcaster<number>(1, 'dropIfChannelFull');
    const w = b.watch();
    const next = reader(w);
    await b.action('ADDED', 1);
    await b.action('ADDED', 2);
    expect(await next()).toBe(1);
    await b.action('ADDED', 3);
    await b.shutdown();
    expect(await collect(w)).toEqual([3]);
  });
});

describe('Broadcaster: actionOrDrop', () => {
  it('delivers when every watcher has room', async () => {
    const b = new Broadcaster<number>(2);
    const w = b.watch();
    expect(b.actionOrDrop('ADDED', 1)).toBe(true);
    await b.shutdown();
    expect(await collect(w)).toEqual([1]);
  });

  it('drops the event for everyone when some watcher is full', async () => {
    const b = new Broadcaster<number>(1, 'waitIfChannelFull');
    const full = b.watch();
    const other = b.watch();
    await b.action('ADDED', 1);
    expect(await reader(other)()).toBe(1);
    expect(b.actionOrDrop('ADDED', 2)).toBe(false);
    await b.shutdown();
    expect(await collect(full)).toEqual([1]);
    expect(await collect(other)).toEqual([]);
  });

  it('keeps its place after actions still being distributed', async () => {
    const b = new Broadcaster<number>(10);
    const w = b.watch();
    void b.action('ADDED', 1);
    expect(b.actionOrDrop('ADDED', 2)).toBe(true);
    void b.action('ADDED', 3);
    await b.shutdown();
    expect(await collect(w)).toEqual([1, 2, 3]);
  });
});

describe('Broadcaster: watchers that join later', () => {
  it('a watcher added after an action does not get that event, only later ones', async () => {
    const b = new Broadcaster<number>(10);
    const early = b.watch();
    await b.action('ADDED', 1);
    const late = b.watch();
    await b.action('ADDED', 2);
    await b.shutdown();
    expect(await collect(early)).toEqual([1, 2]);
    expect(await collect(late)).toEqual([2]);
  });

  it.each(policies)('holds even when the earlier action has not been distributed yet (%s)', async (policy) => {
    const b = new Broadcaster<number>(10, policy);
    const early = b.watch();
    void b.action('ADDED', 1);
    const late = b.watch();
    void b.action('ADDED', 2);
    await b.shutdown();
    expect(await collect(early)).toEqual([1, 2]);
    expect(await collect(late)).toEqual([2]);
  });

  it('watchWithPrefix: the prefix comes first, then the events sent after it joined', async () => {
    const b = new Broadcaster<string>(10);
    await b.action('ADDED', 'before');
    const w = b.watchWithPrefix([
      { type: 'ADDED', object: 'p1' },
      { type: 'ADDED', object: 'p2' },
    ]);
    await b.action('MODIFIED', 'after');
    await b.shutdown();
    expect(await collect(w)).toEqual(['p1', 'p2', 'after']);
  });

  it('watchWithPrefix: the buffer holds the whole prefix plus one event, even past the queue length', async () => {
    const b = new Broadcaster<string>(1, 'dropIfChannelFull');
    const w = b.watchWithPrefix([
      { type: 'ADDED', object: 'p1' },
      { type: 'ADDED', object: 'p2' },
      { type: 'ADDED', object: 'p3' },
    ]);
    await b.action('ADDED', 'e1');
    await b.action('ADDED', 'e2'); // now full: dropped
    await b.shutdown();
    expect(await collect(w)).toEqual(['p1', 'p2', 'p3', 'e1']);
  });
});

describe('Broadcaster: stopping one watcher', () => {
  it('ends that watcher only; the others keep receiving', async () => {
    const b = new Broadcaster<number>(10);
    const stopped = b.watch();
    const kept = b.watch();
    await b.action('ADDED', 1);
    stopped.stop();
    stopped.stop(); // twice is harmless
    await b.action('ADDED', 2);
    expect(await collect(stopped)).toEqual([]);
    await b.shutdown();
    expect(await collect(kept)).toEqual([1, 2]);
    kept.stop(); // after shutdown too
  });

  it('ending the iteration early stops the watcher and frees the broadcaster', async () => {
    const b = new Broadcaster<number>(1, 'waitIfChannelFull');
    const w = b.watch();
    await b.action('ADDED', 1);
    for await (const ev of w) {
      expect(ev.object).toBe(1);
      break;
    }
    // The watcher is gone: a full buffer can no longer hold anything back.
    await b.action('ADDED', 2);
    await b.action('ADDED', 3);
    await b.shutdown();
  });

  it('stopping the full watcher an action is waiting for releases the action', async () => {
    const b = new Broadcaster<number>(1, 'waitIfChannelFull');
    const full = b.watch();
    const other = b.watch();
    const otherGot = collect(other);
    await b.action('ADDED', 1);
    const waiting = b.action('ADDED', 2);
    expect(await settled(waiting)).toBe(false);
    full.stop();
    await waiting;
    await b.shutdown();
    expect(await otherGot).toEqual([1, 2]);
  });
});

describe('Broadcaster: shutdown', () => {
  it.each(policies)('delivers what was queued, then ends every watcher cleanly (%s)', async (policy) => {
    const b = new Broadcaster<number>(100, policy);
    const ws = [b.watch(), b.watch()];
    for (let i = 0; i < 5; i++) void b.action('ADDED', i);
    await b.shutdown();
    for (const w of ws) {
      expect(await collect(w)).toEqual([0, 1, 2, 3, 4]);
      expect(w.endReason).toBeUndefined();
    }
  });

  it('waitIfChannelFull: shutdown resolves only once queued events found room', async () => {
    const b = new Broadcaster<number>(1, 'waitIfChannelFull');
    const w = b.watch();
    void b.action('ADDED', 1);
    void b.action('ADDED', 2);
    const down = b.shutdown();
    expect(await settled(down)).toBe(false);
    expect(await collect(w)).toEqual([1, 2]);
    await down;
  });

  it('ignores later actions, refuses actionOrDrop and gives already ended watchers', async () => {
    const b = new Broadcaster<number>(10);
    const w = b.watch();
    await b.shutdown();
    await b.shutdown(); // twice is harmless
    await expect(b.action('ADDED', 1)).resolves.toBeUndefined();
    expect(b.actionOrDrop('ADDED', 2)).toBe(false);
    expect(await collect(w)).toEqual([]);
    expect(await collect(b.watch())).toEqual([]);
    expect(await collect(b.watchWithPrefix([{ type: 'ADDED', object: 3 }]))).toEqual([]);
  });
});
