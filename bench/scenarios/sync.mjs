// Informer cold sync: wall time from start to synced for every ConfigMap of a namespace, then heap
// after a forced GC, RSS and peak RSS. argv: client, kubeconfig path, namespace, expected count, and
// a mode: 'gzip' lets kube-client ask for compressed responses (client-go's default; off otherwise,
// like the floor); 'paged' makes kube-client's Reflector list from etcd in pages of 500 (without
// resourceVersion=0, which the watch cache serves in one piece whatever the limit); 'paged-overlap'
// the same with each next page requested as soon as the current page's continue token arrives.
import { getHeapStatistics } from 'node:v8';

const [client, kubeconfig, ns, expectedText, mode] = process.argv.slice(2);
const compression = mode;
const expected = Number(expectedText);
const started = performance.now();
let keep;

if (client === 'kube-client') {
  const { loadKubeConfig } = await import('../../dist/esm/clientcmd/index.js');
  const { Clientset } = await import('../../dist/esm/kubernetes/index.js');
  const { SharedIndexInformer, listWatchFromResource } = await import('../../dist/esm/tools/cache/index.js');
  const cs = Clientset.forConfig({
    ...loadKubeConfig({ path: kubeconfig }).config,
    qps: -1,
    disableCompression: compression !== 'gzip',
  });
  const paged = (o) => {
    if (o.resourceVersion === '0') o.resourceVersion = undefined;
  };
  const pagedMode = mode === 'paged' || mode === 'paged-overlap';
  const inf = new SharedIndexInformer(listWatchFromResource(cs.coreV1.configMaps(ns), pagedMode ? paged : undefined), {
    reflector: { overlapPages: mode === 'paged-overlap' },
  });
  inf.addEventHandler({ onAdd() {} });
  const ac = new AbortController();
  void inf.run(ac.signal);
  while (!inf.hasSynced()) await new Promise((r) => setImmediate(r));
  keep = inf;
  report(inf.getIndexer().listKeys().length);
} else if (client === 'client-node') {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const inf = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
    api.listNamespacedConfigMap({ namespace: ns }),
  );
  inf.on('add', () => {});
  await inf.start();
  keep = inf;
  report(inf.list().length);
} else {
  const https = await import('node:https');
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const cluster = kc.clusters[0].cluster;
  const token = kc.users.find((u) => u.user.token).user.token;
  const url = new URL(`${cluster.server}/api/v1/namespaces/${ns}/configmaps?resourceVersion=0`);
  const body = await new Promise((resolve, reject) => {
    https
      .get(
        url,
        {
          ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
          headers: { authorization: `Bearer ${token}` },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        },
      )
      .on('error', reject);
  });
  const map = new Map();
  for (const item of JSON.parse(body).items) map.set(`${item.metadata.namespace}/${item.metadata.name}`, item);
  keep = map;
  report(map.size);
}

function report(count) {
  const ms = performance.now() - started;
  globalThis.gc?.();
  globalThis.gc?.();
  const mem = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({
      ms,
      count,
      ok: count === expected,
      heapMB: mem.heapUsed / 2 ** 20,
      rssMB: mem.rss / 2 ** 20,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
      heapLimitMB: getHeapStatistics().heap_size_limit / 2 ** 20,
      keep: Boolean(keep),
    })}\n`,
  );
  process.exit(0);
}
