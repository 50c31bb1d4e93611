// kube-client/watch: the apimachinery layer's watch primitives under their own subpath. Everything
// lives in apimachinery/watch (events, the Watch interface, the stream decoder, ChannelWatch, the
// Broadcaster, as in client-go's apimachinery/pkg/watch); this subpath re-exports it.
export * from '../apimachinery/watch/index.js';
