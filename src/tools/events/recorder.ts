// The events.k8s.io/v1 recorder (client-go's tools/events): events carry reportingController,
// action and note; an isomorphic event (same regarding/related object reference, type, action,
// reason, controller and instance; the note may differ) seen again becomes an EventSeries. As in
// client-go, the series is written at its first repeat (count 2); later repeats only count, and
// the count is written when the series finishes (no repeat for 6 minutes), at the 30-minute
// refresh, and at shutdown. Unanswered writes are retried; rejected ones are not.
import { StatusError, isAlreadyExists, isNotFound } from '../../apimachinery/errors.js';
import { formatMicroTime, type KubeObject } from '../../apimachinery/meta.js';
import { RequestConstructionError } from '../../rest/errors.js';
import { globalLogger } from '../../util/log/global.js';
import { jitter, sleep } from '../../util/wait/backoff.js';
import type { ObjectReference } from '../record/event-types.js';
import { sprintf } from '../record/broadcaster.js';
import { eventNameSuffix } from '../record/correlator.js';

/** An events.k8s.io/v1 Event (the fields the recorder writes). */
export interface EventsV1Event {
  apiVersion?: 'events.k8s.io/v1';
  kind?: 'Event';
  metadata: { name?: string; namespace?: string };
  eventTime: string;
  series?: { count: number; lastObservedTime: string };
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  regarding: ObjectReference;
  related?: ObjectReference;
  note?: string;
  type: 'Normal' | 'Warning';
}

/** Where events.k8s.io events go. */
export interface EventsV1Sink {
  create(event: EventsV1Event): Promise<unknown>;
  patch(event: EventsV1Event, data: unknown): Promise<unknown>;
}

/** A series not observed for this long (client-go: 6 minutes) is finished. */
export const SERIES_FINISH_MS = 6 * 60_000;
/** Live series are written again this often (client-go: 30 minutes) so the server keeps them. */
export const SERIES_REFRESH_MS = 30 * 60_000;
const MAX_TRIES_PER_EVENT = 12;
const SLEEP_MS = 10_000;

const refOf = (o: KubeObject | undefined): ObjectReference | undefined =>
  o && {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata?.name,
    namespace: o.metadata?.namespace,
    uid: o.metadata?.uid,
    resourceVersion: o.metadata?.resourceVersion,
  };
// client-go's eventKey: the whole references (refOf builds them in one field order), not the note.
const keyOf = (e: EventsV1Event) =>
  JSON.stringify([
    e.type,
    e.action,
    e.reason,
    e.reportingController,
    e.reportingInstance,
    e.regarding,
    e.related ?? null,
  ]);

/** What the recorder keeps per isomorphic event. */
interface CacheEntry {
  /** The event as last observed (with its series once repeated). */
  event: EventsV1Event;
  /** When it was last observed. */
  lastMs: number;
  /** The series count last written to the server (1 for the Event itself). */
  writtenCount: number;
}

/** A series repeated since its count was last written. */
const hasUnwrittenCount = (e: CacheEntry) => e.event.series !== undefined && e.writtenCount < e.event.series.count;

/**
 * client-go's events.EventBroadcaster + EventRecorder in one.
 *
 * @example
 * const events = new EventsV1Recorder(sinkForEventsV1(cs), 'foo-controller', hostname());
 * events.eventf(foo, undefined, 'Normal', 'Synced', 'Reconcile', 'synced %s', foo.metadata?.name);
 */
export class EventsV1Recorder {
  /** Isomorphic key -> the event as last observed, when, and the series count last written. */
  private readonly cache = new Map<string, CacheEntry>();
  private readonly timers: NodeJS.Timeout[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Aborted by shutdown: pending retries give up. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly sink: EventsV1Sink,
    readonly reportingController: string,
    readonly reportingInstance: string,
    private readonly now: () => number = () => Date.now(),
  ) {
    const finish = setInterval(() => void this.finishSeries(), SERIES_FINISH_MS);
    const refresh = setInterval(() => void this.refreshSeries(), SERIES_REFRESH_MS);
    finish.unref();
    refresh.unref();
    this.timers.push(finish, refresh);
  }

  /** Records an event about `regarding` (and optionally `related`). */
  eventf(
    regarding: KubeObject,
    related: KubeObject | undefined,
    type: 'Normal' | 'Warning',
    reason: string,
    action: string,
    note: string,
    ...args: unknown[]
  ): void {
    const t = new Date(this.now());
    const ref = refOf(regarding)!;
    const event: EventsV1Event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: {
        name: `${ref.name}.${eventNameSuffix(t.getTime())}`,
        namespace: ref.namespace || 'default',
      },
      eventTime: formatMicroTime(t),
      reportingController: this.reportingController,
      reportingInstance: this.reportingInstance,
      action,
      reason,
      regarding: ref,
      related: refOf(related),
      note: sprintf(note, ...args),
      type,
    };
    this.enqueue(() => this.record(event), reason);
  }

  /** Runs writes one after another, in the order events were recorded. */
  private enqueue(work: () => Promise<void>, what: string): Promise<void> {
    this.chain = this.chain.then(work).catch((err: unknown) => {
      globalLogger.error(`events: unable to write event ${what}: ${(err as Error).message}`);
    });
    return this.chain;
  }

  private async record(event: EventsV1Event): Promise<void> {
    const key = keyOf(event);
    const cached = this.cache.get(key);
    const now = this.now();
    if (!cached) {
      this.cache.set(key, { event, lastMs: now, writtenCount: 1 });
      return this.writeWithRetries(event);
    }
    cached.lastMs = now;
    const count = (cached.event.series?.count ?? 1) + 1;
    cached.event = { ...cached.event, series: { count, lastObservedTime: formatMicroTime(new Date(now)) } };
    if (count > 2) return; // counted; written when the series finishes, is refreshed, or at shutdown
    return this.writeSeries(cached);
  }

  /** Writes the series of a cache entry (with retries) and remembers the count written. */
  private async writeSeries(entry: CacheEntry): Promise<void> {
    const { event } = entry;
    await this.writeWithRetries(event);
    entry.writtenCount = Math.max(entry.writtenCount, event.series?.count ?? 1);
  }

  /**
   * One attempt at an entry's series (finish, refresh, shutdown); true when done with it (written,
   * or rejected for good), and then its count counts as written.
   */
  private async writeSeriesOnce(entry: CacheEntry): Promise<boolean> {
    const count = entry.event.series?.count ?? 1;
    if (!(await this.write(entry.event))) return false;
    entry.writtenCount = count;
    return true;
  }

  /** Up to 12 attempts, 10-12.5 s apart (client-go's attemptRecording). */
  private async writeWithRetries(event: EventsV1Event): Promise<void> {
    for (let attempt = 1; !(await this.write(event)); attempt++) {
      if (attempt >= MAX_TRIES_PER_EVENT) {
        globalLogger.error(`events: unable to write event ${event.reason}: retry limit exceeded`);
        return;
      }
      await sleep(jitter(SLEEP_MS, 0.25), this.stopped.signal).catch(() => {});
      if (this.stopped.signal.aborted) {
        globalLogger.error(`events: unable to write event ${event.reason}: the recorder is shut down`);
        return;
      }
    }
  }

  /**
   * One write, as client-go's recordEvent: a series is patched, and created anew when its Event is
   * gone. Returns false only when worth retrying: no answer from the server, or AlreadyExists when
   * re-creating a series (it was just created). Other rejections are final.
   */
  private async write(event: EventsV1Event): Promise<boolean> {
    try {
      if (event.series) {
        try {
          await this.sink.patch(event, { series: event.series });
          return true;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      await this.sink.create(event);
      return true;
    } catch (err) {
      if (err instanceof RequestConstructionError) {
        globalLogger.error(`events: event ${event.reason} cannot be written (will not retry): ${err.message}`);
        return true;
      }
      if (err instanceof StatusError) {
        if (isAlreadyExists(err)) return !event.series;
        globalLogger.error(`events: event ${event.reason} rejected (will not retry): ${err.message}`);
        return true;
      }
      globalLogger.error(`events: unable to write event ${event.reason} (may retry): ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * Finishes series not observed for 6 minutes: their last count is written (one attempt, as
   * client-go), then they leave the cache, so the next isomorphic event starts a new Event; single
   * events older than 6 minutes leave the cache too. Runs every 6 minutes by itself.
   */
  finishSeries(): Promise<void> {
    return this.enqueue(async () => {
      const now = this.now();
      for (const [k, v] of this.cache) {
        if (now - v.lastMs <= SERIES_FINISH_MS) continue;
        if (hasUnwrittenCount(v) && !(await this.writeSeriesOnce(v))) continue;
        this.cache.delete(k);
      }
    }, 'series');
  }

  /**
   * Writes every live series as observed (one attempt each, re-creating an Event that is gone), so
   * that the server keeps it and shows its count. Runs every 30 minutes by itself.
   */
  refreshSeries(): Promise<void> {
    return this.enqueue(async () => {
      for (const v of this.cache.values()) if (v.event.series) await this.writeSeriesOnce(v);
    }, 'series');
  }

  /**
   * Waits for queued writes (each still tried once; writes waiting to be retried give up), writes
   * the counts of series repeated since their last write (one attempt each; client-go drops them),
   * and stops the timers.
   */
  async shutdown(): Promise<void> {
    this.stopped.abort();
    for (const t of this.timers) clearInterval(t);
    await this.enqueue(async () => {
      for (const v of this.cache.values()) if (hasUnwrittenCount(v)) await this.writeSeriesOnce(v);
    }, 'series');
  }
}

/** The part of a typed clientset the sink needs (`cs.eventsV1.events(ns)`). */
export interface EventsV1Getter {
  eventsV1: {
    events(namespace: string): {
      create(e: EventsV1Event): Promise<unknown>;
      patch(name: string, patchType: 'application/merge-patch+json', data: unknown): Promise<unknown>;
    };
  };
}

/**
 * An events.k8s.io/v1 sink over a typed Clientset.
 *
 * @example
 * const recorder = new EventsV1Recorder(sinkForEventsV1(cs), 'foo-controller', hostname());
 */
export function sinkForEventsV1(cs: EventsV1Getter): EventsV1Sink {
  return {
    create: (e) => cs.eventsV1.events(e.metadata.namespace ?? 'default').create(e),
    patch: (e, data) =>
      cs.eventsV1
        .events(e.metadata.namespace ?? 'default')
        .patch(e.metadata.name!, 'application/merge-patch+json', data),
  };
}
