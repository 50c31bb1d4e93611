// The core/v1 Event fields the recorder writes, and the sink it writes them to.
import type { ObjectMeta } from '../../apimachinery/meta.js';

/** A reference to the object an event is about. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** A core/v1 Event. */
export interface CoreEvent {
  apiVersion?: 'v1';
  kind?: 'Event';
  metadata: ObjectMeta;
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  type?: 'Normal' | 'Warning' | string;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** Where events are written (client-go's EventSink). */
export interface EventSink {
  create(event: CoreEvent): Promise<CoreEvent>;
  update(event: CoreEvent): Promise<CoreEvent>;
  patch(event: CoreEvent, data: unknown): Promise<CoreEvent>;
}
