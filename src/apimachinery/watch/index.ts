// Watch primitives shared by every layer: event types, the Watch interface, the stream decoder,
// and push-based/fake watches.
export { ChannelWatch, FakeWatch, newFakeWatch } from './channel-watch.js';
export {
  decodeWatchStream,
  MAX_WATCH_EVENT_BYTES,
  parseWatchLine,
  StreamWatch,
  WatchEventTooLargeError,
} from './stream-decoder.js';
export { WATCH_EVENT_TYPES, type Watch, type WatchEvent, type WatchEventType } from './types.js';
