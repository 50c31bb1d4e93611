// The EventBroadcaster and EventRecorder (client-go's tools/record): recorders turn
// (object, type, reason, message) into core/v1 Events and hand them to a broadcaster, which feeds
// watchers: the sink writer (through the correlator, with retries) and any loggers. The queue is
// bounded and drops rather than blocks, so recording never slows a controller down.
import { StatusError, hasStatusCause, isAlreadyExists, isNotFound } from '../../apimachinery/errors.js';
import { formatTime, type KubeObject } from '../../apimachinery/meta.js';
import type { Scheme } from '../../apimachinery/scheme.js';
import { RequestConstructionError } from '../../rest/errors.js';
import { globalLogger } from '../../util/log/global.js';
import { sleep } from '../../util/wait/backoff.js';
import { Broadcaster } from '../../watch/broadcaster.js';
import { CORRELATOR_DEFAULTS, type CorrelationResult, EventCorrelator, eventNameSuffix } from './correlator.js';
import type { CoreEvent, EventSink, ObjectReference } from './event-types.js';

/** Options of {@link newBroadcaster}. */
export interface EventBroadcasterOptions {
  /** Events buffered per watcher before dropping (default 1000). */
  queueLength?: number;
  /** Write attempts per event (default 12). */
  maxTriesPerEvent?: number;
  /** Pause between attempts in ms (default 10 s; the first retry is randomized). */
  sleepDurationMs?: number;
  /** Correlator settings (client-go's defaults otherwise). */
  correlator?: Partial<typeof CORRELATOR_DEFAULTS>;
  /** Finds kind/apiVersion of objects without TypeMeta. */
  scheme?: Scheme;
}

/** Records events about objects. */
export interface EventRecorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  eventf(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, format: string, ...args: unknown[]): void;
  annotatedEventf(
    obj: KubeObject,
    annotations: Record<string, string>,
    type: 'Normal' | 'Warning',
    reason: string,
    format: string,
    ...args: unknown[]
  ): void;
}

/**
 * Go-style formatting of %s, %d, %v, %q and %% (what recorders' format strings use).
 *
 * @example
 * sprintf('scaled %s to %d', 'web', 3); // 'scaled web to 3'
 */
export function sprintf(format: string, ...args: unknown[]): string {
  let i = 0;
  return format.replace(/%[sdvq%]/g, (m) => {
    if (m === '%%') return '%';
    const a = args[i++];
    if (m === '%q') return JSON.stringify(String(a));
    if (m === '%d') return String(typeof a === 'number' ? Math.trunc(a) : a);
    return typeof a === 'object' && a !== null ? JSON.stringify(a) : String(a);
  });
}

/**
 * client-go's EventBroadcaster.
 *
 * @example
 * const broadcaster = newBroadcaster();
 * broadcaster.startRecordingToSink(sinkForClientset(cs));
 * const recorder = broadcaster.newRecorder({ component: 'foo-controller' });
 * recorder.event(foo, 'Normal', 'Synced', 'Foo synced successfully');
 */
export class EventBroadcaster {
  private readonly broadcaster: Broadcaster<CoreEvent>;
  private readonly watchers: Array<Promise<void>> = [];
  private readonly stops: Array<() => void> = [];
  /** Aborted by shutdown: pending retries give up. */
  private readonly stopped = new AbortController();

  constructor(private readonly options: EventBroadcasterOptions = {}) {
    this.broadcaster = new Broadcaster<CoreEvent>(options.queueLength ?? 1000, 'dropIfChannelFull');
  }

  /** Calls `handler` for every recorded event. Returns a function that stops it. */
  startEventWatcher(handler: (event: CoreEvent) => void | Promise<void>): () => void {
    const w = this.broadcaster.watch();
    this.watchers.push(
      (async () => {
        for await (const ev of w) {
          try {
            await handler(ev.object);
          } catch (err) {
            globalLogger.error(`event watcher failed: ${String(err)}`);
          }
        }
      })(),
    );
    const stop = () => w.stop();
    this.stops.push(stop);
    return stop;
  }

  /** Logs every event through `log` (as client-go's StartLogging). */
  startLogging(log: (line: string) => void): () => void {
    return this.startEventWatcher((e) =>
      log(`Event(${JSON.stringify(e.involvedObject)}): type: '${e.type}' reason: '${e.reason}' ${e.message}`),
    );
  }

  /**
   * Writes every event to the sink through the correlator. A write the server never answered is
   * retried (`maxTriesPerEvent`, `sleepDurationMs` apart); one it rejected is not.
   */
  startRecordingToSink(sink: EventSink): () => void {
    const correlator = new EventCorrelator({ ...CORRELATOR_DEFAULTS, ...this.options.correlator });
    return this.startEventWatcher((e) => this.recordToSink(sink, e, correlator));
  }

  private async recordToSink(sink: EventSink, event: CoreEvent, correlator: EventCorrelator): Promise<void> {
    const result = correlator.correlate(event);
    if (result.skip) return;
    const tries = this.options.maxTriesPerEvent ?? 12;
    const pause = this.options.sleepDurationMs ?? 10_000;
    for (let attempt = 1; ; attempt++) {
      if (await writeEvent(sink, result, correlator)) return;
      if (attempt >= tries) {
        globalLogger.error(`${describeEvent(result.event)} not written: retry limit of ${tries} tries exceeded`);
        return;
      }
      // Randomize the first retry so that many clients do not retry in lockstep.
      await sleep(attempt === 1 ? Math.random() * pause : pause, this.stopped.signal).catch(() => {});
      if (this.stopped.signal.aborted) {
        globalLogger.error(`${describeEvent(result.event)} not written: the broadcaster is shut down`);
        return;
      }
    }
  }

  /** A recorder whose events carry this source. */
  newRecorder(source: { component: string; host?: string }): EventRecorder {
    const record = (
      obj: KubeObject,
      annotations: Record<string, string> | undefined,
      type: string,
      reason: string,
      message: string,
    ) => {
      const ref = this.reference(obj);
      const now = Date.now();
      const ts = formatTime(new Date(now));
      const event: CoreEvent = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${ref.name}.${eventNameSuffix(now)}`, namespace: ref.namespace || 'default', annotations },
        involvedObject: ref,
        reason,
        message,
        source: { component: source.component, host: source.host },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        type,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      };
      this.broadcaster.actionOrDrop('ADDED', event);
    };
    return {
      event: (obj, type, reason, message) => record(obj, undefined, type, reason, message),
      eventf: (obj, type, reason, format, ...args) => record(obj, undefined, type, reason, sprintf(format, ...args)),
      annotatedEventf: (obj, annotations, type, reason, format, ...args) =>
        record(obj, annotations, type, reason, sprintf(format, ...args)),
    };
  }

  private reference(obj: KubeObject): ObjectReference {
    let { apiVersion } = obj;
    const { kind } = obj;
    // Objects read from the API carry no TypeMeta in lists and informer caches: a kind without an
    // apiVersion is completed from the scheme (the first registered version of that kind).
    if (!apiVersion && kind && this.options.scheme) {
      const found = this.options.scheme.kinds().find((k) => k.kind === kind);
      if (found) apiVersion = found.group ? `${found.group}/${found.version}` : found.version;
    }
    return {
      apiVersion,
      kind,
      name: obj.metadata?.name,
      namespace: obj.metadata?.namespace,
      uid: obj.metadata?.uid,
      resourceVersion: obj.metadata?.resourceVersion,
    };
  }

  /**
   * Stops all watchers after delivering what is queued; each queued event is still written once,
   * but writes waiting to be retried give up (as client-go's Shutdown).
   */
  async shutdown(): Promise<void> {
    await this.broadcaster.shutdown();
    this.stopped.abort();
    await Promise.all(this.watchers);
  }
}

/** `Event <namespace>/<name> (<reason> on <Kind> <object>)`: no message, which may hold anything. */
function describeEvent(e: CoreEvent): string {
  const o = e.involvedObject;
  return `Event ${e.metadata.namespace}/${e.metadata.name} (${e.reason} on ${o.kind} ${o.name})`;
}

/**
 * One write, as client-go's recordEvent: a repeat (count > 1) is patched, and created anew when
 * it was deleted meanwhile; success updates the correlator. Returns false only for failures worth
 * retrying (no answer from the server); an answer with an error Status is final, since the same
 * request would be rejected again (AlreadyExists, from a name written before, quietly so).
 */
async function writeEvent(sink: EventSink, result: CorrelationResult, correlator: EventCorrelator): Promise<boolean> {
  const { event, patch } = result;
  try {
    let written: CoreEvent | undefined;
    if ((event.count ?? 1) > 1 && patch) {
      try {
        written = await sink.patch(event, patch);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    written ??= await sink.create({ ...event, metadata: { ...event.metadata, resourceVersion: undefined } });
    correlator.updateState(written);
    return true;
  } catch (err) {
    if (err instanceof RequestConstructionError) {
      globalLogger.error(`${describeEvent(event)} cannot be written (will not retry): ${err.message}`);
      return true;
    }
    if (err instanceof StatusError) {
      if (!isAlreadyExists(err) && !hasStatusCause(err, 'NamespaceTerminating')) {
        globalLogger.error(`${describeEvent(event)} rejected by the server (will not retry): ${err.message}`);
      }
      return true;
    }
    globalLogger.error(`${describeEvent(event)} not written (may retry): ${(err as Error).message}`);
    return false;
  }
}

/** Creates an {@link EventBroadcaster}. */
export function newBroadcaster(options: EventBroadcasterOptions = {}): EventBroadcaster {
  return new EventBroadcaster(options);
}

/** The part of a typed clientset the sink needs (`cs.coreV1.events(ns)`). */
export interface EventsGetter {
  coreV1: {
    events(namespace: string): {
      create(e: CoreEvent): Promise<unknown>;
      update(e: CoreEvent): Promise<unknown>;
      patch(name: string, patchType: 'application/strategic-merge-patch+json', data: unknown): Promise<unknown>;
    };
  };
}

/**
 * An EventSink writing core/v1 Events through a typed Clientset (patches are strategic merge
 * patches of count, lastTimestamp and message, as client-go's).
 *
 * @example
 * broadcaster.startRecordingToSink(sinkForClientset(cs));
 */
export function sinkForClientset(cs: EventsGetter): EventSink {
  const events = (e: CoreEvent) => cs.coreV1.events(e.metadata.namespace ?? 'default');
  return {
    create: async (e) => (await events(e).create(e)) as CoreEvent,
    update: async (e) => (await events(e).update(e)) as CoreEvent,
    patch: async (e, data) =>
      (await events(e).patch(e.metadata.name!, 'application/strategic-merge-patch+json', data)) as CoreEvent,
  };
}
