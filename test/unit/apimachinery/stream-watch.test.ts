// StreamWatch: line framing across chunk boundaries, oversized events, and the idle guard that ends
// a watch whose connection went silent.
import { describe, expect, it } from 'vitest';
import { StreamWatch } from '../../../src/apimachinery/watch/index.js';

const ev = (i: number) => `{"type":"MODIFIED","object":{"metadata":{"name":"cm","resourceVersion":"${i}"}}}\n`;

async function* chunks(parts: string[], pauseMs = 0): AsyncGenerator<Uint8Array> {
  for (const p of parts) {
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
    yield Buffer.from(p);
  }
}

type Obj = { metadata: { resourceVersion: string } };
async function collect(w: StreamWatch<unknown>) {
  const out: string[] = [];
  for await (const e of w) out.push(e.type === 'ERROR' ? 'ERROR' : (e.object as Obj).metadata.resourceVersion);
  return out;
}

describe('StreamWatch', () => {
  it.each([
    ['one chunk', (s: string) => [s]],
    ['byte by byte', (s: string) => s.split('')],
    ['chunks of 7', (s: string) => s.match(/[\s\S]{1,7}/g) ?? []],
    ['split right after newlines', (s: string) => s.split(/(?<=\n)/)],
    ['split right before newlines', (s: string) => s.split(/(?=\n)/)],
  ])('frames events split as %s', async (_name, split) => {
    const text = [1, 2, 3, 4].map(ev).join('');
    expect(await collect(new StreamWatch(chunks(split(text)), () => {}))).toEqual(['1', '2', '3', '4']);
  });

  it('turns a garbage line into an ERROR event and keeps going', async () => {
    expect(await collect(new StreamWatch(chunks([ev(1), 'not json\n', ev(2)]), () => {}))).toEqual(['1', 'ERROR', '2']);
  });

  it('ends a silent watch after the idle timeout, with a reason, and aborts the request', async () => {
    let aborted = false;
    const silent: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<Uint8Array>>((_resolve, reject) => {
            const t = setInterval(() => {
              if (aborted) {
                clearInterval(t);
                reject(new Error('aborted'));
              }
            }, 5);
          }),
      }),
    };
    const w = new StreamWatch(
      silent,
      () => {
        aborted = true;
      },
      { idleTimeoutMs: 100 },
    );
    const started = Date.now();
    expect(await collect(w)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(aborted).toBe(true);
    expect(w.endReason?.message).toMatch(/idle/);
  });

  it('keeps a watch that receives data more often than the idle timeout', async () => {
    const w = new StreamWatch(chunks([1, 2, 3, 4, 5].map(ev), 40), () => {}, { idleTimeoutMs: 100 });
    expect(await collect(w)).toEqual(['1', '2', '3', '4', '5']);
    expect(w.endReason).toBeUndefined();
  });
});
