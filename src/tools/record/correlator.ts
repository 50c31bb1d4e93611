// The EventCorrelator (client-go's events_cache): before an event is written, similar events are
// aggregated (10 distinct messages for one object, type and reason within 600 s become
// "(combined from similar events)" events), events seen before are counted and patched instead
// of created, and a per-object token bucket (burst 25, one per 300 s) filters spam, in that order.
// Caches are LRUs of 4096 entries, as client-go's.
import { TokenBucket } from '../../util/flowcontrol/token-bucket.js';
import type { CoreEvent } from './event-types.js';
import { formatTime } from '../../apimachinery/meta.js';

/** client-go's numbers. */
export const CORRELATOR_DEFAULTS = {
  maxLruCacheEntries: 4096,
  maxEvents: 10,
  maxIntervalMs: 600_000,
  spamBurst: 25,
  spamQps: 1 / 300,
};

class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
}

const join = (parts: Array<string | undefined>) => parts.map((p) => p ?? '').join('\u0000');

/** Source and object: the spam filter's key, and the start of the other two. */
const sourceAndObject = (e: CoreEvent) => {
  const o = e.involvedObject;
  return [e.source?.component, e.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion];
};
const spamKey = (e: CoreEvent) => join(sourceAndObject(e));

/** Source, object (with field path), type, reason and message: what makes two events the same. */
const eventKey = (e: CoreEvent) =>
  join([...sourceAndObject(e), e.involvedObject.fieldPath, e.type, e.reason, e.message]);

/** Source, object, type, reason and reporter: what makes events similar (their messages differ). */
const aggregateKey = (e: CoreEvent) =>
  join([...sourceAndObject(e), e.type, e.reason, e.reportingComponent, e.reportingInstance]);

/**
 * The hex Unix-nanosecond suffix of event names (`<object>.<hex>`), as client-go names events;
 * the sub-millisecond digits are random so that events made in the same millisecond differ.
 */
export const eventNameSuffix = (ms: number): string =>
  (BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16);

/** What to do with an event. */
export interface CorrelationResult {
  /** The event to write (possibly aggregated, or named and counted after the one it repeats). */
  event: CoreEvent;
  /**
   * Patch body when the event repeats one already written (`event.count > 1`): count,
   * lastTimestamp and message, as client-go's strategic merge patch.
   */
  patch?: { count: number; lastTimestamp: string; message: string };
  /** True when the spam filter dropped the event. */
  skip: boolean;
}

interface Observation {
  count: number;
  firstTimestamp?: string;
  name: string;
  resourceVersion?: string;
}

/**
 * client-go's EventCorrelator. `correlate` decides how to write an event; `updateState` records
 * what the server returned so that the next repeat patches the right object.
 *
 * @example
 * const c = new EventCorrelator();
 * const r = c.correlate(event);
 * if (!r.skip) c.updateState(r.patch ? await sink.patch(r.event, r.patch) : await sink.create(r.event));
 */
export class EventCorrelator {
  private readonly spam: Lru<TokenBucket>;
  private readonly aggregates: Lru<{ localKeys: Set<string>; lastMs: number }>;
  private readonly observations: Lru<Observation>;

  constructor(
    private readonly opts = CORRELATOR_DEFAULTS,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.spam = new Lru(opts.maxLruCacheEntries);
    this.aggregates = new Lru(opts.maxLruCacheEntries);
    this.observations = new Lru(opts.maxLruCacheEntries);
  }

  /** Aggregates, then counts, then spam-filters one event. */
  correlate(input: CoreEvent): CorrelationResult {
    const now = this.now();
    const { event: aggregated, key } = this.aggregate(input, now);
    const { event, patch } = this.observe(aggregated, key, now);
    if (this.filtered(event)) return { event, skip: true };
    return { event, patch, skip: false };
  }

  /** Remembers the event as the server stored it (name, resourceVersion, count). */
  updateState(written: CoreEvent): void {
    this.observations.set(eventKey(written), {
      count: written.count ?? 1,
      firstTimestamp: written.firstTimestamp,
      name: written.metadata.name ?? '',
      resourceVersion: written.metadata.resourceVersion,
    });
  }

  /**
   * Similar events (same aggregate key, different messages) are counted per interval; from the
   * maxEvents-th distinct message on, each is replaced by a new "(combined from similar events)"
   * event observed under the aggregate key, so that later ones patch it.
   */
  private aggregate(input: CoreEvent, now: number): { event: CoreEvent; key: string } {
    const aggKey = aggregateKey(input);
    let record = this.aggregates.get(aggKey);
    if (!record || now - record.lastMs > this.opts.maxIntervalMs) record = { localKeys: new Set(), lastMs: now };
    record.localKeys.add(input.message ?? '');
    record.lastMs = now;
    this.aggregates.set(aggKey, record);
    if (record.localKeys.size < this.opts.maxEvents) return { event: input, key: eventKey(input) };
    // As client-go, drop one message so the set stays below the limit, yet the next new message
    // aggregates again.
    record.localKeys.delete(record.localKeys.values().next().value!);
    const ts = formatTime(new Date(now));
    const event: CoreEvent = {
      apiVersion: input.apiVersion,
      kind: input.kind,
      metadata: {
        name: `${input.involvedObject.name}.${eventNameSuffix(now)}`,
        namespace: input.metadata.namespace,
      },
      involvedObject: input.involvedObject,
      reason: input.reason,
      message: `(combined from similar events): ${input.message ?? ''}`,
      source: input.source,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type: input.type,
      reportingComponent: input.reportingComponent,
      reportingInstance: input.reportingInstance,
    };
    return { event, key: aggKey };
  }

  /** An event observed before under `key` takes that event's name and count + 1, and a patch. */
  private observe(event: CoreEvent, key: string, now: number): Pick<CorrelationResult, 'event' | 'patch'> {
    const last = this.observations.get(key);
    let observed = event;
    let patch: CorrelationResult['patch'];
    if (last && last.count > 0) {
      const count = last.count + 1;
      observed = {
        ...event,
        metadata: { ...event.metadata, name: last.name, resourceVersion: last.resourceVersion },
        firstTimestamp: last.firstTimestamp,
        count,
      };
      patch = { count, lastTimestamp: event.lastTimestamp ?? formatTime(new Date(now)), message: event.message ?? '' };
    }
    this.observations.set(key, {
      count: observed.count ?? 1,
      firstTimestamp: observed.firstTimestamp,
      name: observed.metadata.name ?? '',
      resourceVersion: observed.metadata.resourceVersion,
    });
    return { event: observed, patch };
  }

  /** The per source + object token bucket: true when the event must be dropped. */
  private filtered(event: CoreEvent): boolean {
    const key = spamKey(event);
    let bucket = this.spam.get(key);
    if (!bucket) bucket = new TokenBucket(this.opts.spamQps, this.opts.spamBurst, () => this.now());
    this.spam.set(key, bucket);
    return !bucket.allow();
  }
}
