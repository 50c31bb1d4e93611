// The EventCorrelator: before an event is written, similar events are aggregated (10 within
// 600 s become one "(combined from similar events)" event), identical ones are counted and
// patched instead of created, and a per-object token bucket (burst 25, one per 300 s) filters
// spam. Caches are LRUs of 4096 entries, as client-go's.
import { TokenBucket } from '../../util/flowcontrol/token-bucket.js';
import type { CoreEvent } from './event-types.js';

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

const ref = (e: CoreEvent) => {
  const o = e.involvedObject;
  return [e.source?.component, e.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion].join('|');
};

/** What to do with an event. */
export interface CorrelationResult {
  /** The event to write (possibly aggregated or with a higher count). */
  event: CoreEvent;
  /** Patch body when the event repeats one already written (count/lastTimestamp/message). */
  patch?: { count: number; lastTimestamp: string; message: string };
  /** True when the spam filter dropped the event. */
  skip: boolean;
}

/**
 * client-go's EventCorrelator.
 *
 * @example
 * const c = new EventCorrelator();
 * const r = c.correlate(event); if (!r.skip) r.patch ? sink.patch(r.event, r.patch) : sink.create(r.event);
 */
export class EventCorrelator {
  private readonly spam: Lru<TokenBucket>;
  private readonly aggregates: Lru<{ localKeys: Set<string>; lastMs: number }>;
  private readonly seen: Lru<{ count: number; firstTimestamp: string; name: string; resourceVersion?: string }>;

  constructor(
    private readonly opts = CORRELATOR_DEFAULTS,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.spam = new Lru(opts.maxLruCacheEntries);
    this.aggregates = new Lru(opts.maxLruCacheEntries);
    this.seen = new Lru(opts.maxLruCacheEntries);
  }

  correlate(input: CoreEvent): CorrelationResult {
    // Spam filter: per source + object.
    const spamKey = ref(input);
    let bucket = this.spam.get(spamKey);
    if (!bucket) {
      bucket = new TokenBucket(this.opts.spamQps, this.opts.spamBurst, () => this.now());
      this.spam.set(spamKey, bucket);
    }
    if (!bucket.allow()) return { event: input, skip: true };

    // Aggregation: similar events (same object, type, reason) with different messages.
    let event = input;
    const aggKey = `${spamKey}|${input.type}|${input.reason}`;
    const now = this.now();
    let agg = this.aggregates.get(aggKey);
    if (!agg || now - agg.lastMs > this.opts.maxIntervalMs) agg = { localKeys: new Set(), lastMs: now };
    agg.localKeys.add(input.message ?? '');
    agg.lastMs = now;
    this.aggregates.set(aggKey, agg);
    if (agg.localKeys.size >= this.opts.maxEvents) {
      event = {
        ...input,
        metadata: {
          ...input.metadata,
          name: `${input.involvedObject.name}.${aggKey.length.toString(16)}${hash(aggKey)}`,
        },
        message: `(combined from similar events): ${input.message ?? ''}`,
      };
    }

    // Dedup: identical events are counted and patched.
    const key = `${aggKey}|${event.message}`;
    const prev = this.seen.get(key);
    const ts = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (prev) {
      const count = prev.count + 1;
      this.seen.set(key, { ...prev, count });
      const updated: CoreEvent = {
        ...event,
        metadata: { ...event.metadata, name: prev.name },
        count,
        firstTimestamp: prev.firstTimestamp,
        lastTimestamp: ts,
      };
      return { event: updated, patch: { count, lastTimestamp: ts, message: event.message ?? '' }, skip: false };
    }
    this.seen.set(key, { count: 1, firstTimestamp: event.firstTimestamp ?? ts, name: event.metadata.name! });
    return { event, skip: false };
  }
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}
