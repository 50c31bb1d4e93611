// The events.k8s.io/v1 recorder (client-go's tools/events): how repeats of an isomorphic event
// become an EventSeries, when series are finished and refreshed, and which sink errors are retried.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { KubeObject } from '../../../src/apimachinery/meta.js';
import {
  type EventsV1Event,
  EventsV1Recorder,
  type EventsV1Sink,
  SERIES_FINISH_MS,
  SERIES_REFRESH_MS,
  sinkForEventsV1,
} from '../../../src/tools/events/index.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

const pod = (meta: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '7', ...meta },
});
const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'n1' } };

type Answer = Error | 'ok';
interface Call {
  verb: 'create' | 'patch';
  event: EventsV1Event;
  data?: unknown;
}

/** A sink answering each call from its script ('ok' once the script runs out); calls are copied. */
function fakeSink(script: { create?: Answer[]; patch?: Answer[] } = {}) {
  const calls: Call[] = [];
  const answer = (verb: Call['verb'], event: EventsV1Event, data?: unknown) => {
    calls.push({ verb, event: structuredClone(event), ...(data === undefined ? {} : { data: structuredClone(data) }) });
    const next = script[verb]?.shift() ?? 'ok';
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(event);
  };
  const sink: EventsV1Sink = { create: (e) => answer('create', e), patch: (e, d) => answer('patch', e, d) };
  return { sink, calls, verbs: () => calls.map((c) => c.verb) };
}

const unanswered = () => Object.assign(new TypeError('fetch failed'), { code: 'ECONNRESET' });
const notFound = () => new StatusError({ code: 404, reason: 'NotFound', message: 'events "web.1" not found' });
const alreadyExists = () => new StatusError({ code: 409, reason: 'AlreadyExists', message: 'exists' });
const invalid = () => new StatusError({ code: 422, reason: 'Invalid', message: 'note: Too long' });
const internal = () => new StatusError({ code: 500, reason: 'InternalError', message: 'etcd is down' });

/** Lets queued writes (promise chains over an immediate fake sink) run; moves the clock by `ms`. */
const advance = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

let stderr: string[];
const recorders: EventsV1Recorder[] = [];
function recorder(sink: EventsV1Sink, now?: () => number) {
  const r = new EventsV1Recorder(sink, 'foo-controller', 'foo-controller-node-1', now);
  recorders.push(r);
  return r;
}
const synced = (r: EventsV1Recorder, regarding = pod(), note = 'synced %s', ...args: unknown[]) =>
  r.eventf(regarding, undefined, 'Normal', 'Synced', 'Reconcile', note, ...(args.length ? args : ['web']));

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  // Nothing is pending at this point in any test, so shutdown does not wait.
  for (const r of recorders.splice(0)) await r.shutdown();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('a first event', () => {
  it('is created with the recorder identity, a reference to the object and the formatted note', async () => {
    const { sink, calls } = fakeSink();
    const r = recorder(sink);
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'ns', uid: 'c1' },
    };
    r.eventf(pod(), cm, 'Warning', 'FailedMount', 'Mount', 'cannot mount %s: %d%% done', 'cfg', 50);
    await advance();
    expect(calls).toHaveLength(1);
    const { verb, event } = calls[0]!;
    expect(verb).toBe('create');
    expect(event).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: expect.stringMatching(/^web\.[0-9a-f]+$/), namespace: 'ns' },
      eventTime: '2026-01-01T12:00:00.000000Z',
      reportingController: 'foo-controller',
      reportingInstance: 'foo-controller-node-1',
      action: 'Mount',
      reason: 'FailedMount',
      regarding: { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '7' },
      related: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', namespace: 'ns', uid: 'c1' },
      note: 'cannot mount cfg: 50% done',
      type: 'Warning',
    });
    expect(event.series).toBeUndefined();
  });

  it('takes its time from the injected clock, in microseconds', async () => {
    const { sink, calls } = fakeSink();
    const at = Date.UTC(2025, 5, 30, 23, 59, 58, 789);
    synced(recorder(sink, () => at));
    await advance();
    expect(calls[0]!.event.eventTime).toBe('2025-06-30T23:59:58.789000Z');
  });

  it('about a cluster-scoped object goes to the default namespace', async () => {
    const { sink, calls } = fakeSink();
    recorder(sink).eventf(node, undefined, 'Normal', 'Ready', 'Heartbeat', 'node is ready');
    await advance();
    expect(calls[0]!.event.metadata).toEqual({
      name: expect.stringMatching(/^node-1\.[0-9a-f]+$/),
      namespace: 'default',
    });
  });

  it('gets a new name each time', async () => {
    const { sink, calls } = fakeSink();
    const r = recorder(sink);
    r.eventf(pod(), undefined, 'Normal', 'Synced', 'A', 'n');
    r.eventf(pod(), undefined, 'Normal', 'Synced', 'B', 'n');
    await advance();
    expect(calls.map((c) => c.verb)).toEqual(['create', 'create']);
    expect(calls[0]!.event.metadata?.name).not.toBe(calls[1]!.event.metadata?.name);
  });
});

describe('repeats of an isomorphic event', () => {
  it.each([
    { repeats: 1, verbs: ['create'], counts: [] },
    { repeats: 2, verbs: ['create', 'patch'], counts: [2] },
    // As client-go, later repeats are only counted (written when the series finishes).
    { repeats: 5, verbs: ['create', 'patch'], counts: [2] },
  ])('$repeats event(s) a second apart: $verbs', async ({ repeats, verbs, counts }) => {
    const { sink, calls, verbs: made } = fakeSink();
    const r = recorder(sink);
    for (let i = 0; i < repeats; i++) {
      synced(r);
      await advance(1000);
    }
    expect(made()).toEqual(verbs);
    const created = calls[0]!.event;
    calls.slice(1).forEach((c, i) => {
      // The first repeat patches the Event written first, with only the series.
      const series = { count: counts[i], lastObservedTime: iso(T0 + (i + 1) * 1000) };
      expect(c.data).toEqual({ series });
      expect(c.event.metadata).toEqual(created.metadata);
      expect(c.event.series).toEqual(series);
      expect(c.event.eventTime).toBe(created.eventTime);
    });
  });

  it.each([
    { title: 'when the series finishes', end: (_r: EventsV1Recorder) => advance(2 * SERIES_FINISH_MS) },
    { title: 'at shutdown', end: (r: EventsV1Recorder) => r.shutdown() },
  ])('writes the counted repeats $title', async ({ end }) => {
    const { sink, calls, verbs } = fakeSink();
    const r = recorder(sink);
    for (let i = 0; i < 5; i++) {
      synced(r);
      await advance(1000);
    }
    await end(r);
    expect(verbs()).toEqual(['create', 'patch', 'patch']);
    expect(calls[2]!.data).toEqual({ series: { count: 5, lastObservedTime: iso(T0 + 4000) } });
    expect(calls[2]!.event.metadata).toEqual(calls[0]!.event.metadata);
  });

  it('keeps the first note: the note is not part of what makes events isomorphic', async () => {
    const { sink, calls, verbs } = fakeSink();
    const r = recorder(sink);
    synced(r, pod(), 'synced %s (%d)', 'web', 1);
    synced(r, pod(), 'synced %s (%d)', 'web', 2);
    await advance();
    expect(verbs()).toEqual(['create', 'patch']);
    expect(calls[1]!.data).toEqual({ series: { count: 2, lastObservedTime: iso(T0) } });
    expect(calls[1]!.event.note).toBe('synced web (1)');
  });

  const other = (over: {
    regarding?: KubeObject;
    related?: KubeObject;
    type?: 'Warning';
    reason?: string;
    action?: string;
  }) => over;
  it.each([
    { title: 'another type', second: other({ type: 'Warning' }) },
    { title: 'another reason', second: other({ reason: 'Failed' }) },
    { title: 'another action', second: other({ action: 'Delete' }) },
    { title: 'another object', second: other({ regarding: pod({ name: 'db', uid: 'u2' }) }) },
    {
      title: 'an object of the same name in another namespace',
      second: other({ regarding: pod({ namespace: 'other', uid: undefined }) }),
      first: pod({ uid: undefined }),
    },
    {
      title: 'an object of another kind with the same name',
      second: other({ regarding: { ...pod({ uid: undefined }), kind: 'Service' } }),
      first: pod({ uid: undefined }),
    },
    { title: 'another resourceVersion of the object', second: other({ regarding: pod({ resourceVersion: '8' }) }) },
    { title: 'a related object where there was none', second: other({ related: node }) },
  ])('an event with $title is a new Event', async ({ second, first }) => {
    const { sink, calls, verbs } = fakeSink();
    const r = recorder(sink);
    r.eventf(first ?? pod(), undefined, 'Normal', 'Synced', 'Reconcile', 'n');
    r.eventf(
      second.regarding ?? first ?? pod(),
      second.related,
      second.type ?? 'Normal',
      second.reason ?? 'Synced',
      second.action ?? 'Reconcile',
      'n',
    );
    await advance();
    expect(verbs()).toEqual(['create', 'create']);
    expect(calls[1]!.event.series).toBeUndefined();
  });

  it('is counted per recorder: another reporting controller writes its own Event', async () => {
    const { sink, verbs } = fakeSink();
    synced(recorder(sink));
    const bar = new EventsV1Recorder(sink, 'bar-controller', 'bar-controller-node-1');
    recorders.push(bar);
    synced(bar);
    synced(recorder(sink));
    await advance();
    expect(verbs()).toEqual(['create', 'create', 'create']);
  });
});

describe('finishing and refreshing series', () => {
  it('uses client-go intervals', () => {
    expect(SERIES_FINISH_MS).toBe(6 * 60_000);
    expect(SERIES_REFRESH_MS).toBe(30 * 60_000);
  });

  it.each([
    // Still live: the third event is counted into the series (written here by shutdown).
    { title: 'exactly 6 minutes', idle: SERIES_FINISH_MS, verbs: ['create', 'patch', 'patch'], count: 3 },
    { title: 'more than 6 minutes (the next sweep)', idle: 2 * SERIES_FINISH_MS, verbs: ['create', 'patch', 'create'] },
  ])('a series idle for $title: $verbs', async ({ idle, verbs, count }) => {
    const { sink, calls, verbs: made } = fakeSink();
    const r = recorder(sink);
    synced(r);
    synced(r);
    await advance(idle);
    synced(r);
    await r.shutdown();
    expect(made()).toEqual(verbs);
    const last = calls.at(-1)!.event;
    if (count) expect(last.series?.count).toBe(count);
    else expect(last.series).toBeUndefined();
  });

  it('drops an event that never repeated after 6 minutes too', async () => {
    const { sink, verbs } = fakeSink();
    const r = recorder(sink);
    synced(r);
    await advance(2 * SERIES_FINISH_MS);
    synced(r);
    await advance();
    expect(verbs()).toEqual(['create', 'create']);
  });

  it('keeps a series repeated more often than every 6 minutes', async () => {
    const { sink, calls } = fakeSink();
    const r = recorder(sink);
    for (let i = 0; i < 8; i++) {
      synced(r);
      await advance(5 * 60_000);
    }
    expect(calls.filter((c) => c.verb === 'create')).toHaveLength(1);
    await r.shutdown();
    expect(calls.at(-1)!.event.series?.count).toBe(8);
  });

  it('finishSeries can be called directly and goes by the injected clock', async () => {
    const clock = { ms: T0 };
    const { sink, verbs } = fakeSink();
    const r = recorder(sink, () => clock.ms);
    synced(r);
    synced(r);
    await advance();
    clock.ms += SERIES_FINISH_MS;
    r.finishSeries();
    synced(r);
    await advance();
    clock.ms += SERIES_FINISH_MS + 1;
    r.finishSeries();
    synced(r);
    await advance();
    expect(verbs()).toEqual(['create', 'patch', 'patch', 'create']);
  });

  it('refreshSeries re-patches live series with their count, and leaves single events alone', async () => {
    const { sink, calls } = fakeSink();
    const r = recorder(sink);
    synced(r);
    synced(r);
    synced(r);
    r.eventf(pod({ name: 'db', uid: 'u2' }), undefined, 'Normal', 'Synced', 'Reconcile', 'once');
    await advance(60_000);
    calls.length = 0;
    await r.refreshSeries();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.verb).toBe('patch');
    expect(calls[0]!.event.metadata?.name).toMatch(/^web\./);
    // The series as observed: 3 events, the last at T0.
    expect(calls[0]!.data).toEqual({ series: { count: 3, lastObservedTime: iso(T0) } });
  });

  it('refreshes live series every 30 minutes', async () => {
    const { sink, calls } = fakeSink();
    const r = recorder(sink);
    // Repeats every 5 minutes keep the series alive: count 6 at minute 25.
    for (let i = 0; i < 6; i++) {
      synced(r);
      await advance(i === 5 ? 0 : 5 * 60_000);
    }
    const written = calls.length;
    await advance(SERIES_REFRESH_MS - 25 * 60_000 - 1);
    expect(calls).toHaveLength(written);
    await advance(1);
    expect(calls).toHaveLength(written + 1);
    expect(calls.at(-1)!.data).toEqual({ series: { count: 6, lastObservedTime: iso(T0 + 25 * 60_000) } });
  });

  it('recreates a refreshed series whose Event is gone, and does not throw on other failures', async () => {
    const { sink, calls, verbs } = fakeSink({ patch: ['ok', notFound(), invalid()] });
    const r = recorder(sink);
    synced(r);
    synced(r);
    await advance();
    await r.refreshSeries();
    expect(verbs()).toEqual(['create', 'patch', 'patch', 'create']);
    expect(calls[3]!.event.series?.count).toBe(2);
    await expect(r.refreshSeries()).resolves.toBeUndefined();
    expect(verbs()).toEqual(['create', 'patch', 'patch', 'create', 'patch']);
  });
});

describe('sink errors', () => {
  it.each([
    {
      title: 'a create the server never answered is retried until it lands',
      script: { create: [unanswered(), unanswered()] },
      verbs: ['create', 'create', 'create'],
      logged: /may retry/,
    },
    {
      title: 'a rejected create is not retried, and logged',
      script: { create: [invalid()] },
      verbs: ['create'],
      logged: /rejected.*will not retry.*note: Too long/,
    },
    {
      title: 'a server error with a Status is not retried either',
      script: { create: [internal()] },
      verbs: ['create'],
      logged: /will not retry.*etcd is down/,
    },
    {
      title: 'AlreadyExists for a new Event is final and quiet',
      script: { create: [alreadyExists()] },
      verbs: ['create'],
      logged: undefined,
    },
  ])('$title', async ({ script, verbs, logged }) => {
    const { sink, verbs: made } = fakeSink(script);
    synced(recorder(sink));
    await advance(60_000);
    expect(made()).toEqual(verbs);
    if (logged) expect(stderr.join('')).toMatch(logged);
    else expect(stderr).toEqual([]);
  });

  it.each([
    {
      title: 'an unanswered patch is retried',
      script: { patch: [unanswered()] },
      verbs: ['create', 'patch', 'patch'],
    },
    {
      title: 'a patch of an Event that is gone creates it anew, with the series',
      script: { patch: [notFound()] },
      verbs: ['create', 'patch', 'create'],
    },
    {
      title: 'AlreadyExists when creating it anew means it was just created: the patch is retried',
      script: { patch: [notFound()], create: ['ok' as const, alreadyExists()] },
      verbs: ['create', 'patch', 'create', 'patch'],
    },
    {
      title: 'a rejected patch is not retried',
      script: { patch: [invalid()] },
      verbs: ['create', 'patch'],
    },
  ])('$title', async ({ script, verbs }) => {
    const { sink, calls, verbs: made } = fakeSink(script);
    const r = recorder(sink);
    synced(r);
    synced(r);
    await advance(60_000);
    expect(made()).toEqual(verbs);
    for (const c of calls.slice(1)) {
      expect(c.event.series?.count).toBe(2);
      expect(c.event.metadata?.name).toBe(calls[0]!.event.metadata?.name);
    }
  });

  it('waits 10 to 12.5 s between attempts and gives up after 12', async () => {
    const { sink, verbs } = fakeSink({ create: Array.from({ length: 20 }, unanswered) });
    synced(recorder(sink));
    await advance();
    expect(verbs()).toHaveLength(1);
    await advance(9_999);
    expect(verbs()).toHaveLength(1);
    await advance(2_501);
    expect(verbs()).toHaveLength(2);
    await advance(11 * 12_500);
    expect(verbs()).toHaveLength(12);
    expect(stderr.join('')).toMatch(/retry limit/);
  });

  it('a failed write does not stop later events', async () => {
    const { sink, verbs } = fakeSink({ create: [invalid()] });
    const r = recorder(sink);
    synced(r);
    r.eventf(pod(), undefined, 'Normal', 'Deleted', 'Delete', 'gone');
    await advance();
    expect(verbs()).toEqual(['create', 'create']);
  });

  it('a repeat of an event whose create failed patches, then creates it', async () => {
    const { sink, calls, verbs } = fakeSink({ create: [invalid()], patch: [notFound()] });
    const r = recorder(sink);
    synced(r);
    synced(r);
    await advance();
    expect(verbs()).toEqual(['create', 'patch', 'create']);
    expect(calls[2]!.event.series?.count).toBe(2);
  });
});

describe('shutdown', () => {
  it('waits for queued writes and stops the timers', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { sink: inner, verbs } = fakeSink();
    const sink: EventsV1Sink = { create: (e) => gate.then(() => inner.create(e)), patch: inner.patch };
    const r = new EventsV1Recorder(sink, 'foo-controller', 'foo-controller-node-1');
    synced(r);
    synced(r);
    synced(r);
    let done = false;
    const shut = r.shutdown().then(() => {
      done = true;
    });
    await advance();
    expect(done).toBe(false);
    release();
    await shut;
    expect(verbs()).toEqual(['create', 'patch', 'patch']);
    expect(vi.getTimerCount()).toBe(0);
    await advance(2 * SERIES_REFRESH_MS);
    expect(verbs()).toEqual(['create', 'patch', 'patch']);
  });

  it('makes writes waiting to be retried give up, but still tries queued events once', async () => {
    const { sink, verbs } = fakeSink({ create: [unanswered(), unanswered()] });
    const r = new EventsV1Recorder(sink, 'foo-controller', 'foo-controller-node-1');
    synced(r);
    r.eventf(pod(), undefined, 'Normal', 'Deleted', 'Delete', 'gone');
    await advance();
    expect(verbs()).toEqual(['create']);
    // No time passes: shutdown does not wait out the retry pause.
    await r.shutdown();
    expect(verbs()).toEqual(['create', 'create']);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('sinkForEventsV1', () => {
  it('creates in the event namespace and merge-patches by name', async () => {
    const seen: unknown[] = [];
    const cs = {
      eventsV1: {
        events: (ns: string) => ({
          create: async (e: EventsV1Event) => seen.push(['create', ns, e.metadata?.name]),
          patch: async (name: string, type: string, data: unknown) => seen.push(['patch', ns, name, type, data]),
        }),
      },
    };
    const r = recorder(sinkForEventsV1(cs));
    synced(r);
    synced(r);
    await advance();
    const name = (seen[0] as string[])[2];
    expect(seen).toEqual([
      ['create', 'ns', name],
      ['patch', 'ns', name, 'application/merge-patch+json', { series: { count: 2, lastObservedTime: iso(T0) } }],
    ]);
  });
});
