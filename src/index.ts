// kube-client: the root export re-exports the layers most programs need. Every layer also has its
// own subpath export (kube-client/rest, kube-client/clientcmd, ...), see docs/CONTRIBUTING.md.
export * from './apimachinery/index.js';
export * from './clientcmd/index.js';
export * from './rest/index.js';
export * from './util/log/index.js';
