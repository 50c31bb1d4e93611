// Watch throughput through the full informer path: time from the first to the last of N MODIFIED
// events delivered to an update handler. argv: client (kube-client | client-node | floor), url, N.
const [client, url, nText] = process.argv.slice(2);
const N = Number(nText);
let first = 0;
let count = 0;
const done = new Promise((resolve) => {
  globalThis.onEvent = () => {
    if (count++ === 0) first = performance.now();
    if (count === N) resolve(performance.now() - first);
  };
});

if (client === 'kube-client') {
  const { SharedIndexInformer, newListWatchFromClient } = await import('../../dist/esm/tools/cache/index.js');
  const { restClientFor } = await import('../../dist/esm/rest/index.js');
  const rc = restClientFor({ host: url, apiPath: '/api', groupVersion: { group: '', version: 'v1' }, qps: -1 });
  const inf = new SharedIndexInformer(newListWatchFromClient(rc, 'configmaps', 'bench'));
  inf.addEventHandler({ onUpdate: () => globalThis.onEvent() });
  const ac = new AbortController();
  void inf.run(ac.signal);
  const ms = await done;
  ac.abort();
  report(ms);
} else if (client === 'client-node') {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const inf = k8s.makeInformer(kc, '/api/v1/namespaces/bench/configmaps', () =>
    api.listNamespacedConfigMap({ namespace: 'bench' }),
  );
  inf.on('update', () => globalThis.onEvent());
  await inf.start();
  const ms = await done;
  await inf.stop().catch(() => {});
  report(ms);
} else {
  const http = await import('node:http');
  http.get(`${url}/api/v1/namespaces/bench/configmaps?watch=true`, (res) => {
    let partial = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines)
        if (line) {
          JSON.parse(line);
          globalThis.onEvent();
        }
    });
  });
  report(await done);
}

function report(ms) {
  process.stdout.write(`${JSON.stringify({ ms, eventsPerSec: N / (ms / 1000) })}\n`);
  process.exit(0);
}
