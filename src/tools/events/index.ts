// kube-client/tools/events: the helpers layer. The events.k8s.io/v1 recorder with event series.
export {
  type EventsV1Event,
  type EventsV1Getter,
  EventsV1Recorder,
  type EventsV1Sink,
  SERIES_FINISH_MS,
  SERIES_REFRESH_MS,
  sinkForEventsV1,
} from './recorder.js';
