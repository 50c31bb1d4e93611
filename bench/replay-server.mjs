// A loopback HTTP server that replays a watch: the LIST answers with an empty list at
// resourceVersion 1; the WATCH streams `events` MODIFIED events of one real-sized ConfigMap (about
// 1.4 KB each, resourceVersion incrementing) as fast as the client reads, then ends.
import { createServer } from 'node:http';

/** A ConfigMap of about `bytes` bytes of JSON. */
export function configMap(name, rv, bytes = 1400) {
  const cm = {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: 'bench',
      uid: '6f1d2c1e-8a4b-4a8e-9b77-0d3f1c2a9e10',
      resourceVersion: String(rv),
      creationTimestamp: '2026-11-23T00:00:00Z',
      labels: { app: 'bench', tier: 'backend' },
    },
    data: {},
  };
  const base = JSON.stringify(cm).length;
  cm.data.payload = 'x'.repeat(Math.max(0, bytes - base - 14));
  return cm;
}

/** Starts the server; resolves `{ url, close }`. */
export async function startReplayServer(events) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.searchParams.get('watch') !== 'true' && url.searchParams.get('watch') !== '1') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'ConfigMapList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '1' },
          items: [configMap('cm', 1)],
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const template = JSON.stringify({ type: 'MODIFIED', object: configMap('cm', 123456789) });
    const [head, tail] = template.split('123456789');
    let i = 0;
    const pump = () => {
      while (i < events) {
        let chunk = '';
        for (let k = 0; k < 64 && i < events; k++) {
          i++;
          chunk += `${head}${i + 1}${tail}\n`;
        }
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      // Hold the stream open: clients count events and stop by themselves.
    };
    pump();
    req.on('close', () => res.destroy());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
