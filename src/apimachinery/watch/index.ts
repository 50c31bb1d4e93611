// Watch primitives shared by every layer: event types, the Watch interface, the stream decoder,
// push-based/fake watches and the Broadcaster (client-go's apimachinery/pkg/watch).
export { Broadcaster, type FullChannelBehavior } from './broadcaster.js';
export { ChannelWatch, FakeWatch, newFakeWatch } from './channel-watch.js';
export {
  decodeWatchStream,
  MAX_WATCH_EVENT_BYTES,
  parseWatchLine,
  StreamWatch,
  WatchEventTooLargeError,
} from './stream-decoder.js';
export { WATCH_EVENT_TYPES, type Watch, type WatchEvent, type WatchEventType } from './types.js';
export type { Watcher } from './watcher.js';
