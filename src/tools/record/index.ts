// kube-client/tools/record: the helpers layer. The core/v1 event broadcaster, recorder and correlator.
export {
  EventBroadcaster,
  type EventBroadcasterOptions,
  type EventRecorder,
  type EventsGetter,
  newBroadcaster,
  sinkForClientset,
  sprintf,
} from './broadcaster.js';
export { CORRELATOR_DEFAULTS, type CorrelationResult, EventCorrelator } from './correlator.js';
export type { CoreEvent, EventSink, ObjectReference } from './event-types.js';
