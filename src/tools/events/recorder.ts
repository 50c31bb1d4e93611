// The events.k8s.io/v1 recorder (client-go's tools/events): events carry reportingController,
// action and note; an isomorphic event (same regarding/related object, action, reason, controller)
// seen again becomes an EventSeries whose count and lastObservedTime are patched. Series not
// updated for 6 minutes are finished; live series are refreshed every 30 minutes.
import type { KubeObject } from '../../apimachinery/meta.js';
import type { ObjectReference } from '../record/event-types.js';
import { sprintf } from '../record/broadcaster.js';

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

/** client-go's numbers. */
export const SERIES_FINISH_MS = 6 * 60_000;
export const SERIES_REFRESH_MS = 30 * 60_000;

const microTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
const refOf = (o: KubeObject | undefined): ObjectReference | undefined =>
  o && {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata?.name,
    namespace: o.metadata?.namespace,
    uid: o.metadata?.uid,
    resourceVersion: o.metadata?.resourceVersion,
  };
const keyOf = (e: EventsV1Event) =>
  JSON.stringify([
    e.action,
    e.reason,
    e.reportingController,
    e.regarding.uid ?? e.regarding.name,
    e.regarding.kind,
    e.related?.uid ?? e.related?.name ?? '',
  ]);

/**
 * client-go's events.EventBroadcaster + EventRecorder in one.
 *
 * @example
 * const events = new EventsV1Recorder(sinkForEventsV1(cs), 'foo-controller', hostname());
 * events.eventf(foo, undefined, 'Normal', 'Synced', 'Reconcile', 'synced %s', foo.metadata?.name);
 */
export class EventsV1Recorder {
  private readonly cache = new Map<string, { event: EventsV1Event; lastMs: number }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: EventsV1Sink,
    readonly reportingController: string,
    readonly reportingInstance: string,
    private readonly now: () => number = () => Date.now(),
  ) {
    const finish = setInterval(() => this.finishSeries(), SERIES_FINISH_MS);
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
        name: `${ref.name}.${(BigInt(t.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`,
        namespace: ref.namespace || 'default',
      },
      eventTime: microTime(t),
      reportingController: this.reportingController,
      reportingInstance: this.reportingInstance,
      action,
      reason,
      regarding: ref,
      related: refOf(related),
      note: sprintf(note, ...args),
      type,
    };
    this.chain = this.chain
      .then(() => this.record(event))
      .catch((err: unknown) => {
        process.stderr.write(`events: unable to write event ${reason}: ${(err as Error).message}\n`);
      });
  }

  private async record(event: EventsV1Event): Promise<void> {
    const key = keyOf(event);
    const cached = this.cache.get(key);
    const nowIso = microTime(new Date(this.now()));
    if (cached) {
      const series = cached.event.series
        ? { count: cached.event.series.count + 1, lastObservedTime: nowIso }
        : { count: 2, lastObservedTime: nowIso };
      cached.event = { ...cached.event, series };
      cached.lastMs = this.now();
      await this.sink.patch(cached.event, { series });
      return;
    }
    this.cache.set(key, { event, lastMs: this.now() });
    await this.sink.create(event);
  }

  /** Ends series not updated for 6 minutes (the next isomorphic event starts a new Event). */
  finishSeries(): void {
    const now = this.now();
    for (const [k, v] of this.cache) if (now - v.lastMs > SERIES_FINISH_MS) this.cache.delete(k);
  }

  /** Re-patches live series so that they are not garbage-collected by the server. */
  async refreshSeries(): Promise<void> {
    for (const v of this.cache.values()) {
      if (!v.event.series) continue;
      v.event.series = { ...v.event.series, lastObservedTime: microTime(new Date(this.now())) };
      await this.sink.patch(v.event, { series: v.event.series }).catch(() => {});
    }
  }

  /** Waits for queued writes and stops the timers. */
  async shutdown(): Promise<void> {
    await this.chain;
    for (const t of this.timers) clearInterval(t);
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
