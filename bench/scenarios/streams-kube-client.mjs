// kube-client's port-forward for bench/streams.mjs in a process of its own (as kubectl's and
// client-node's forwarders run), so that its CPU time is read from /proc like theirs:
//   forward <kubeconfig> <namespace> <pod> <port>: prints `PORT <n>` and stays up until killed.
const [mode, kubeconfig, namespace, pod, port] = process.argv.slice(2);
const { loadKubeConfig } = await import('../../dist/esm/clientcmd/index.js');
const { Clientset } = await import('../../dist/esm/kubernetes/index.js');

if (mode !== 'forward') {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
const cs = Clientset.forConfig(loadKubeConfig({ path: kubeconfig }).config);
const forward = cs.coreV1.pods(namespace).portForward(pod, { ports: [`:${port}`] });
const [{ local }] = await forward.ready;
process.stdout.write(`PORT ${local}\n`);
