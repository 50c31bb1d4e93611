// kube-client/watch: layer 4. Watch events and streams (from apimachinery) and the Broadcaster.
export * from '../apimachinery/watch/index.js';
export { Broadcaster, type FullChannelBehavior } from '../apimachinery/watch/broadcaster.js';
