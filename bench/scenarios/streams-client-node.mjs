// @kubernetes/client-node's streams for bench/streams.mjs, run on Node 24 (client-node needs it):
//   forward <kubeconfig> <namespace> <pod> <port>: a local port forwarded to the pod's port as
//     client-node's own example does (a net server, one PortForward.portForward per connection);
//     prints `PORT <n>` and stays up until killed.
//   exec <kubeconfig> <namespace> <pod> <bytes>: `head -c <bytes> /dev/zero` through Exec.exec;
//     prints one JSON line {bytes, ms}.
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';

const [mode, kubeconfig, namespace, pod, arg] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);

if (mode === 'forward') {
  const forward = new k8s.PortForward(kc);
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    forward.portForward(namespace, pod, [Number(arg)], socket, null, socket).catch(() => socket.destroy());
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
} else if (mode === 'exec') {
  let bytes = 0;
  const stdout = new Writable({
    write(chunk, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const started = performance.now();
  await new Promise((resolve, reject) => {
    new k8s.Exec(kc)
      .exec(namespace, pod, 'main', ['head', '-c', arg, '/dev/zero'], stdout, null, null, false, (status) =>
        status.status === 'Success' ? resolve() : reject(new Error(JSON.stringify(status))),
      )
      .catch(reject);
  });
  process.stdout.write(`${JSON.stringify({ bytes, ms: performance.now() - started })}\n`);
  process.exit(0);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
