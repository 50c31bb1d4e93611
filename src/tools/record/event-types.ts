// The core/v1 Event the recorder writes (the generated API type, under the recorder's names), and
// the sink it writes them to.
import type * as core_v1 from '../../generated/types/core/v1.js';

/**
 * A reference to the object an event is about (the generated core/v1 ObjectReference).
 *
 * @example
 * const ref: ObjectReference = { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'default' };
 */
export type ObjectReference = core_v1.ObjectReference;

/**
 * A core/v1 Event (the generated API type).
 *
 * @example
 * const e: CoreEvent = { metadata: { name: 'web.1', namespace: 'default' }, involvedObject: ref, reason: 'Synced' };
 */
export type CoreEvent = core_v1.Event;

/** Where events are written (client-go's EventSink). */
export interface EventSink {
  create(event: CoreEvent): Promise<CoreEvent>;
  update(event: CoreEvent): Promise<CoreEvent>;
  patch(event: CoreEvent, data: unknown): Promise<CoreEvent>;
}
