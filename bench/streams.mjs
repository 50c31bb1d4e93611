// Streaming throughput on a real node, kube-client side by side with kubectl (client-go, SPDY against
// this v1.20 server), @kubernetes/client-node (WebSocket v4 like kube-client; on Node 24, which it
// needs) and a floor (one bare WebSocket from the ws package reading the GET's answer in this process:
// no local socket, no forwarding, the least any WebSocket client must do) on the same pod:
// port-forward (a 10 MiB file from busybox httpd, through a forwarded local port, fetched by curl
// in its own process for both, so that the HTTP client does not share kube-client's process) and
// exec stdout (64 MiB of zeros through `head -c`), alternating, a few rounds each; then the open
// handles of this process after 100 concurrent port-forward connections have closed. For each
// port-forward GET it also reads the CPU time the cluster's processes (kube-apiserver, kubelet,
// containerd) and the forwarding client (this process, or kubectl) spent, from /proc: on a 2-core
// machine the sum of those sets the rate. Run after
// `npm run build`: node bench/streams.mjs (STREAM_ROUNDS=5 by default). Without curl on the PATH
// the port-forward GET runs in this process.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode24 } from '../scripts/node24.mjs';

const { startControlPlane } = await import('../dist/esm/envtest/index.js');
const { Clientset } = await import('../dist/esm/kubernetes/index.js');
const { exec } = await import('../dist/esm/tools/remotecommand/index.js');

const rounds = Number(process.env.STREAM_ROUNDS ?? 5);
const EXEC_BYTES = 64 * 1024 * 1024;
const say = (line) => process.stdout.write(`${line}\n`);

const node24 = process.env.BENCH_CLIENT_NODE === '0' ? undefined : ensureNode24(say);
const clientNodeScript = fileURLToPath(new URL('./scenarios/streams-client-node.mjs', import.meta.url));
const kubeClientScript = fileURLToPath(new URL('./scenarios/streams-kube-client.mjs', import.meta.url));
const cp = await startControlPlane({ node: true, log: () => {} });
const stop = async () => {
  await cp.stop();
};
try {
  const config = { host: cp.server.url, bearerToken: cp.server.adminToken, tls: { caData: cp.server.caData }, qps: -1 };
  const cs = new Clientset(config);
  const ns = 'bench-streams';
  await cs.coreV1.namespaces.create({ metadata: { name: ns } }).catch(() => undefined);
  const image = cp.node.images.busybox;
  await cs.coreV1.pods(ns).create({
    metadata: { name: 'web' },
    spec: {
      nodeName: cp.node.name,
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'main',
          image,
          imagePullPolicy: 'Never',
          command: [
            'sh',
            '-c',
            'mkdir -p /www && head -c 10485760 /dev/urandom > /www/big && httpd -f -p 8080 -h /www',
          ],
        },
      ],
    },
  });
  for (let i = 0; ; i++) {
    const pod = await cs.coreV1.pods(ns).get('web');
    if (pod.status?.phase === 'Running') {
      const r = await cs.coreV1
        .pods(ns)
        .execText('web', {
          command: ['sh', '-c', 'test -s /www/big && wget -q -O /dev/null http://127.0.0.1:8080/big && echo up'],
        })
        .catch(() => ({ stdout: '' }));
      if (r.stdout.includes('up')) break;
    }
    if (i > 240) throw new Error('the pod did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
  const kubectlArgs = ['--kubeconfig', cp.kubeconfigPath, '-n', ns];

  // CPU time (user + system, ms) of a process from /proc/<pid>/stat (clock ticks of 10 ms).
  const procCpuMs = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  };
  // The cluster's data path: this control plane's kube-apiserver, kubelet and containerd (their
  // command lines name its temp dir).
  const cpDir = dirname(cp.kubeconfigPath);
  const clusterPids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return /(^|\/)(kube-apiserver|kubelet|containerd)$/.test(cmd[0]) && cmd.some((a) => a.includes(cpDir));
      } catch {
        return false;
      }
    });
  const clusterCpuMs = () => clusterPids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  const ownCpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };

  const get = (port) =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
        let n = 0;
        res.on('data', (c) => {
          n += c.length;
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  // curl reports its own bytes and seconds (no process start in the figure).
  const curl = (port) =>
    new Promise((resolve, reject) => {
      const child = spawn('curl', [
        '-sf',
        '-o',
        '/dev/null',
        '-w',
        '%{size_download} %{time_total}',
        `http://127.0.0.1:${port}/big`,
      ]);
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.once('error', reject);
      child.once('close', (code) => {
        const [bytes, seconds] = out.split(' ').map(Number);
        if (code === 0 && bytes > 0) resolve(bytes / 1024 / 1024 / seconds);
        else reject(new Error(`curl exited ${code}`));
      });
    });
  const haveCurl = await curl(0).then(
    () => true,
    (e) => e.code !== 'ENOENT',
  );
  const timed = async (fn) => {
    const t = performance.now();
    const bytes = await fn();
    return bytes / 1024 / 1024 / ((performance.now() - t) / 1000);
  };

  // port-forward: the forwarders are kept up for all rounds (this process's own forwarder `pf` is
  // the one whose open handles are counted at the end).
  const pf = cs.coreV1.pods(ns).portForward('web', { ports: [':8080'] });
  const [{ local: ours }] = await pf.ready;
  const kpf = spawn('kubectl', [...kubectlArgs, 'port-forward', 'pod/web', ':8080'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const theirs = await new Promise((resolve, reject) => {
    kpf.stdout.on('data', (d) => {
      const m = /127\.0\.0\.1:(\d+) ->/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    kpf.once('exit', () => reject(new Error('kubectl port-forward exited')));
  });
  // The measured forwarders of kube-client and client-node each run in a process of their own, as
  // kubectl's, so that each one's CPU time is its own (this process also spawns curl).
  const forwarder = (node, script) => {
    const child = spawn(node, [script, 'forward', cp.kubeconfigPath, ns, 'web', '8080'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        const m = /PORT (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`the forwarder ${script} exited`)));
    });
    return { child, port };
  };
  const kcpf = forwarder(process.execPath, kubeClientScript);
  const ourPort = await kcpf.port;
  const cnpf = node24 ? forwarder(node24, clientNodeScript) : undefined;
  const clientNodePort = await cnpf?.port;
  // kube-client's forwarder on client-node's Node 24 too: the same runtime for the WebSocket clients.
  const kc24pf = node24 ? forwarder(node24, kubeClientScript) : undefined;
  const ourPort24 = await kc24pf?.port;
  // The floor: one WebSocket to the same endpoint, the GET written on the data channel and its
  // answer read to its last byte; from the dial to that byte, as curl's time_total.
  const { default: WebSocket } = await import('ws');
  const bareWebSocket = () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const url = `${cp.server.url.replace(/^https/, 'wss')}/api/v1/namespaces/${ns}/pods/web/portforward?ports=8080`;
      const ws = new WebSocket(url, ['v4.channel.k8s.io'], {
        headers: { authorization: `Bearer ${cp.server.adminToken}` },
        ca: cp.server.caData,
        perMessageDeflate: false,
      });
      let dataMessages = 0;
      let received = 0;
      let expected = Number.POSITIVE_INFINITY;
      let head = Buffer.alloc(0);
      let body = 0;
      ws.on('message', (m) => {
        if (m[0] !== 0) return; // the error channel: its port prefix only
        if (++dataMessages === 1) {
          ws.send(Buffer.from('\0GET /big HTTP/1.0\r\nHost: web\r\n\r\n', 'latin1')); // after the port prefix
          return;
        }
        received += m.length - 1;
        if (expected === Number.POSITIVE_INFINITY) {
          head = Buffer.concat([head, m.subarray(1)]);
          const end = head.indexOf('\r\n\r\n');
          if (end >= 0) {
            body = Number(/content-length:\s*(\d+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1]);
            expected = end + 4 + body;
          }
        }
        if (received >= expected) {
          const seconds = (performance.now() - started) / 1000;
          ws.terminate();
          resolve(body / 1024 / 1024 / seconds);
        }
      });
      ws.once('error', reject);
      ws.once('close', () => received < expected && reject(new Error('the floor WebSocket closed early')));
    });
  await get(ourPort);
  await get(theirs);
  if (clientNodePort) await get(clientNodePort);
  if (ourPort24) await get(ourPort24);
  await bareWebSocket();
  const pfRates = {
    'kube-client': [],
    ...(kc24pf ? { 'kube-client (Node 24)': [] } : {}),
    kubectl: [],
    ...(cnpf ? { 'client-node': [] } : {}),
    floor: [],
  };
  const pfCpu = Object.fromEntries(Object.keys(pfRates).map((k) => [k, { cluster: [], client: [] }]));
  const measured = async (who, transfer, clientCpuMs) => {
    const [cluster0, client0] = [clusterCpuMs(), clientCpuMs()];
    pfRates[who].push(await transfer());
    pfCpu[who].cluster.push(clusterCpuMs() - cluster0);
    pfCpu[who].client.push(clientCpuMs() - client0);
  };
  const fetchVia = (port) => () => (haveCurl ? curl(port) : timed(() => get(port)));
  for (let i = 0; i < rounds; i++) {
    await measured('kube-client', fetchVia(ourPort), () => procCpuMs(kcpf.child.pid));
    await measured('kubectl', fetchVia(theirs), () => procCpuMs(kpf.pid));
    if (cnpf) await measured('client-node', fetchVia(clientNodePort), () => procCpuMs(cnpf.child.pid));
    if (kc24pf) await measured('kube-client (Node 24)', fetchVia(ourPort24), () => procCpuMs(kc24pf.child.pid));
    await measured('floor', bareWebSocket, ownCpuMs);
  }
  kcpf.child.kill();
  cnpf?.child.kill();
  kc24pf?.child.kill();
  kpf.kill();

  // exec stdout: 64 MiB of zeros.
  const execRates = { 'kube-client': [], kubectl: [], ...(node24 ? { 'client-node': [] } : {}) };
  const command = ['head', '-c', String(EXEC_BYTES), '/dev/zero'];
  for (let i = 0; i < rounds; i++) {
    execRates['kube-client'].push(
      await timed(async () => {
        let n = 0;
        const { Writable } = await import('node:stream');
        await exec(config, {
          namespace: ns,
          pod: 'web',
          command,
          stdout: new Writable({
            write(c, _e, cb) {
              n += c.length;
              cb();
            },
          }),
        });
        return n;
      }),
    );
    execRates.kubectl.push(
      await timed(
        () =>
          new Promise((resolve, reject) => {
            const child = spawn('kubectl', [...kubectlArgs, 'exec', 'web', '--', ...command], {
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            let n = 0;
            child.stdout.on('data', (c) => {
              n += c.length;
            });
            child.on('close', (code) => (code === 0 ? resolve(n) : reject(new Error(`kubectl exited ${code}`))));
          }),
      ),
    );
    if (node24) {
      // Timed inside the child, from the exec call to the Success status (no process start).
      const out = await new Promise((resolve, reject) => {
        const child = spawn(node24, [clientNodeScript, 'exec', cp.kubeconfigPath, ns, 'web', String(EXEC_BYTES)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let text = '';
        child.stdout.on('data', (d) => {
          text += d;
        });
        child.on('close', (code) =>
          code === 0 ? resolve(text) : reject(new Error(`client-node exec exited ${code}`)),
        );
      });
      const { bytes, ms } = JSON.parse(out.trim().split('\n').pop());
      execRates['client-node'].push(bytes / 1024 / 1024 / (ms / 1000));
    }
  }

  // Open handles after 100 concurrent connections.
  const handles = () => process.getActiveResourcesInfo().length;
  const before = handles();
  await Promise.all(
    Array.from(
      { length: 100 },
      () =>
        new Promise((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: ours, path: '/', agent: false }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  );
  for (let i = 0; i < 50 && pf.connections > 0; i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  const after = handles();
  await pf.close();

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  say(
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (${cpus().length} cores)`,
  );
  say(
    `port-forward, 10 MiB GET through a forwarded port by ${haveCurl ? 'curl' : 'this process'} (MiB/s, median of ${rounds}):`,
  );
  for (const [k, v] of Object.entries(pfRates))
    say(`  ${k.padEnd(22)} ${median(v).toFixed(1)}  [${v.map((x) => x.toFixed(1)).join(', ')}]`);
  say(
    `CPU per 10 MiB GET, ms (median of ${rounds}): cluster = kube-apiserver + kubelet + containerd (${clusterPids.length} processes); client = the forwarder (the floor: this process)`,
  );
  for (const [k, v] of Object.entries(pfCpu))
    say(`  ${k.padEnd(22)} cluster ${median(v.cluster).toFixed(0)}, client ${median(v.client).toFixed(0)}`);
  say(`exec stdout, ${EXEC_BYTES / 1024 / 1024} MiB (MiB/s, median of ${rounds}):`);
  for (const [k, v] of Object.entries(execRates))
    say(`  ${k.padEnd(22)} ${median(v).toFixed(1)}  [${v.map((x) => x.toFixed(1)).join(', ')}]`);
  say(
    `open handles: ${before} before 100 concurrent port-forward connections, ${after} after they closed (forwarder still listening)`,
  );
  say(
    `bench streams: done (${rounds} rounds, medians; kube-client on Node ${process.version}, client-node on Node 24)`,
  );
} finally {
  await stop();
}
