// kube-client: the root export re-exports the layers most programs need. Layers also have their own
// subpath exports (kube-client/rest, kube-client/tools/cache, ...), see docs/CONTRIBUTING.md.
export {};
