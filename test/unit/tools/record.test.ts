// The event correlator's rules (client-go's events_cache tests, in our words and as tables) and
// the sink writer's retry rules: unanswered writes are retried, rejected ones are not.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import {
  CORRELATOR_DEFAULTS,
  type CoreEvent,
  EventCorrelator,
  type EventSink,
  newBroadcaster,
} from '../../../src/tools/record/index.js';

const object = { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'ns', uid: 'u1' };

function event(message: string, over: Partial<CoreEvent> = {}): CoreEvent {
  return {
    metadata: { name: `web.${Math.random().toString(16).slice(2)}`, namespace: 'ns' },
    involvedObject: object,
    reason: 'BackOff',
    message,
    source: { component: 'kubelet', host: 'node-1' },
    type: 'Warning',
    count: 1,
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:00:00Z',
    ...over,
  };
}

/** A correlator on a clock the test moves. */
function correlator() {
  const clock = { ms: Date.UTC(2026, 0, 1) };
  return { c: new EventCorrelator(CORRELATOR_DEFAULTS, () => clock.ms), clock };
}

describe('EventCorrelator', () => {
  it.each([
    { title: 'a first event is written as it is', messages: ['m'], count: 1, patched: false, combined: false },
    {
      title: 'an identical event is counted and patched',
      messages: ['m', 'm'],
      count: 2,
      patched: true,
      combined: false,
    },
    {
      title: 'identical events keep counting past the aggregation limit',
      messages: Array(20).fill('m'),
      count: 20,
      patched: true,
      combined: false,
    },
    {
      title: 'the 10th distinct message for one reason becomes a new combined event',
      messages: Array.from({ length: 10 }, (_, i) => `m${i}`),
      count: 1,
      patched: false,
      combined: true,
    },
    {
      title: 'the next distinct message patches the combined event',
      messages: Array.from({ length: 11 }, (_, i) => `m${i}`),
      count: 2,
      patched: true,
      combined: true,
    },
  ])('$title', ({ messages, count, patched, combined }) => {
    const { c } = correlator();
    const results = messages.map((m) => c.correlate(event(m)));
    const last = results.at(-1)!;
    expect(last.skip).toBe(false);
    expect(last.event.count).toBe(count);
    expect(last.patch !== undefined).toBe(patched);
    expect(last.event.message?.startsWith('(combined from similar events): ')).toBe(combined);
    if (patched) {
      // A repeat writes to the object it repeats, under its name.
      const first = results.find((r) => r.event.message === last.event.message || combined)!;
      expect(last.event.metadata.name).toBe(combined ? results[9]!.event.metadata.name : first.event.metadata.name);
      expect(last.patch).toEqual({ count, lastTimestamp: last.event.lastTimestamp, message: last.event.message });
    }
  });

  it('names a combined event after the object and the time, and keeps the reason and type', () => {
    const { c } = correlator();
    let r = c.correlate(event('m0'));
    for (let i = 1; i < 10; i++) r = c.correlate(event(`m${i}`));
    expect(r.event).toMatchObject({ reason: 'BackOff', type: 'Warning', count: 1, involvedObject: object });
    expect(r.event.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(r.event.metadata.namespace).toBe('ns');
    expect(r.event.message).toBe('(combined from similar events): m9');
  });

  it.each([
    { title: 'different reasons', other: { reason: 'Failed' } },
    { title: 'different types', other: { type: 'Normal' } },
    { title: 'different sources', other: { source: { component: 'scheduler' } } },
  ])('does not aggregate events with $title', ({ other }) => {
    const { c } = correlator();
    for (let i = 0; i < 5; i++) c.correlate(event(`m${i}`));
    for (let i = 5; i < 10; i++) {
      expect(c.correlate(event(`m${i}`, other)).event.message).toBe(`m${i}`);
    }
  });

  it('starts aggregating anew once similar events are more than 600 s apart', () => {
    const { c, clock } = correlator();
    for (let i = 0; i < 9; i++) c.correlate(event(`m${i}`));
    clock.ms += 600_001;
    expect(c.correlate(event('m9')).event.message).toBe('m9');
  });

  it('lets a burst of 25 events per source and object pass, then one per 300 s', () => {
    const { c, clock } = correlator();
    const passed = Array.from({ length: 30 }, (_, i) => !c.correlate(event(`m${i}`, { reason: `R${i}` })).skip);
    expect(passed.filter(Boolean)).toHaveLength(25);
    expect(passed.slice(25)).toEqual([false, false, false, false, false]);
    // Another object has its own bucket.
    const other = { ...object, name: 'db', uid: 'u2' };
    expect(c.correlate(event('m', { involvedObject: other })).skip).toBe(false);
    clock.ms += 300_000;
    expect(c.correlate(event('again', { reason: 'Later' })).skip).toBe(false);
    expect(c.correlate(event('again 2', { reason: 'Later2' })).skip).toBe(true);
  });

  it('patches the object the server stored: updateState records its name and resourceVersion', () => {
    const { c } = correlator();
    const first = c.correlate(event('m'));
    c.updateState({
      ...first.event,
      metadata: { ...first.event.metadata, name: 'stored-name', resourceVersion: '42' },
    });
    const repeat = c.correlate(event('m'));
    expect(repeat.event.metadata).toMatchObject({ name: 'stored-name', resourceVersion: '42' });
    expect(repeat.event.count).toBe(2);
  });
});

describe('writing events to the sink', () => {
  afterEach(() => vi.restoreAllMocks());

  /** A sink whose create and patch answer from the given scripts (one entry per call). */
  function sink(script: { create?: Array<Error | 'ok'>; patch?: Array<Error | 'ok'> }) {
    const calls: string[] = [];
    const answer = (kind: 'create' | 'patch', e: CoreEvent) => {
      calls.push(kind);
      const next = script[kind]?.shift() ?? 'ok';
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve({ ...e, metadata: { ...e.metadata, resourceVersion: String(calls.length) } });
    };
    const s: EventSink = {
      create: (e) => answer('create', e),
      update: (e) => Promise.resolve(e),
      patch: (e) => answer('patch', e),
    };
    return { s, calls };
  }

  /** Records `messages`, waits until `done()` (writes are retried in the background), shuts down. */
  async function record(s: EventSink, messages: string[], done: () => boolean) {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    const broadcaster = newBroadcaster({ sleepDurationMs: 1, maxTriesPerEvent: 4 });
    broadcaster.startRecordingToSink(s);
    const recorder = broadcaster.newRecorder({ component: 'test' });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns', uid: 'u1' } };
    for (const m of messages) recorder.event(pod, 'Normal', 'Synced', m);
    while (!done()) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 20)); // no further attempt follows
    await broadcaster.shutdown();
    return stderr;
  }

  const unanswered = () => Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' });

  it.each([
    {
      title: 'a write the server never answered is retried until it lands',
      script: { create: [unanswered(), unanswered(), 'ok' as const] },
      calls: ['create', 'create', 'create'],
      logged: /not written \(may retry\)/,
    },
    {
      title: 'AlreadyExists is final and quiet',
      script: { create: [new StatusError({ code: 409, reason: 'AlreadyExists', message: 'exists' })] },
      calls: ['create'],
      logged: undefined,
    },
    {
      title: 'a namespace being terminated is final and quiet',
      script: {
        create: [
          new StatusError({
            code: 403,
            reason: 'Forbidden',
            details: { causes: [{ reason: 'NamespaceTerminating' }] },
          }),
        ],
      },
      calls: ['create'],
      logged: undefined,
    },
    {
      title: 'any other rejection is final and logged',
      script: { create: [new StatusError({ code: 403, reason: 'Forbidden', message: 'no' })] },
      calls: ['create'],
      logged: /rejected by the server \(will not retry\): no/,
    },
    {
      title: 'the retry limit ends the attempts',
      script: { create: [unanswered(), unanswered(), unanswered(), unanswered(), unanswered()] },
      calls: ['create', 'create', 'create', 'create'],
      logged: /retry limit of 4 tries exceeded/,
    },
  ])('$title', async ({ script, calls, logged }) => {
    const { s, calls: made } = sink(script);
    const stderr = await record(s, ['m'], () => made.length >= calls.length);
    expect(made).toEqual(calls);
    if (logged) expect(stderr.join('')).toMatch(logged);
    else expect(stderr).toEqual([]);
  });

  it('patches a repeat, and creates it anew when it was deleted meanwhile', async () => {
    const { s, calls } = sink({ patch: [new StatusError({ code: 404, reason: 'NotFound' })] });
    const created: CoreEvent[] = [];
    const create = s.create;
    s.create = (e) => {
      created.push(e);
      return create(e);
    };
    await record(s, ['m', 'm', 'm'], () => calls.length >= 4);
    expect(calls).toEqual(['create', 'patch', 'create', 'patch']);
    expect(created[1]!.metadata.resourceVersion).toBeUndefined();
    expect(created[1]!.count).toBe(2);
  });

  it('gives up retries at shutdown', async () => {
    const { s, calls } = sink({ create: Array.from({ length: 12 }, unanswered) });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const broadcaster = newBroadcaster({ sleepDurationMs: 60_000 });
    broadcaster.startRecordingToSink(s);
    broadcaster
      .newRecorder({ component: 'test' })
      .event({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns' } }, 'Normal', 'Synced', 'm');
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 1));
    const started = Date.now();
    await broadcaster.shutdown();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toEqual(['create']);
  });
});
