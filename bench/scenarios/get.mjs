// GET throughput: one small ConfigMap, 16 requests in flight, rate limiting off, for N requests.
// argv: client, kubeconfig path, namespace, name, N.
const [client, kubeconfig, ns, name, nText] = process.argv.slice(2);
const N = Number(nText);
const CONCURRENCY = 16;
let get;

if (client === 'kube-client') {
  const { loadKubeConfig } = await import('../../dist/esm/clientcmd/index.js');
  const { Clientset } = await import('../../dist/esm/kubernetes/index.js');
  const cms = Clientset.forConfig({ ...loadKubeConfig({ path: kubeconfig }).config, qps: -1 }).coreV1.configMaps(ns);
  get = () => cms.get(name);
} else if (client === 'client-node') {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  get = () => api.readNamespacedConfigMap({ name, namespace: ns });
} else {
  const { Agent, request } = await import('undici');
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const cluster = kc.clusters[0].cluster;
  const token = kc.users.find((u) => u.user.token).user.token;
  const dispatcher = new Agent({
    connect: { ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString() },
  });
  const url = `${cluster.server}/api/v1/namespaces/${ns}/configmaps/${name}`;
  get = async () =>
    JSON.parse(await (await request(url, { dispatcher, headers: { authorization: `Bearer ${token}` } })).body.text());
}

for (let i = 0; i < 50; i++) await get(); // warm up connections
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      next++;
      await get();
    }
  }),
);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, rps: N / (ms / 1000) })}\n`);
process.exit(0);
