// port-forward against a protocol-level kubelet: each connection's WebSocket carries the port
// prefix on both channels, data on 0 and errors on 1; the test server bridges channel 0 to a real
// TCP server standing in for the pod.
import { LOOPBACK_CA, LOOPBACK_PRIVATE } from '../../../support/fake-server.js';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/rest/errors.js';
import { parsePortMapping, PortForwardError, portForward } from '../../../../src/tools/portforward/index.js';
import {
  type ChannelServer,
  eventually,
  sendFrame,
  startChannelServer,
  type WebSocket,
} from '../../../support/channel-server.js';

let server: ChannelServer | undefined;
let pod: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await new Promise<void>((r) => (pod ? pod.close(() => r()) : r()));
  pod = undefined;
});

function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

/** The kubelet's side: port prefix on both channels, then channel 0 bridged to `podPort` (or an error). */
function kubelet(podPort: number | undefined) {
  return (ws: WebSocket, _protocol: string, seen: { url: URL }) => {
    const port = Number(seen.url.searchParams.get('ports'));
    sendFrame(ws, 0, portPrefix(port));
    sendFrame(ws, 1, portPrefix(port));
    if (podPort === undefined) {
      sendFrame(ws, 1, `error forwarding port ${port} to pod web: connection refused`);
      ws.close(1000);
      return;
    }
    const tcp = connect(podPort, '127.0.0.1');
    tcp.on('data', (d: Buffer) => sendFrame(ws, 0, d));
    tcp.on('end', () => ws.close(1000));
    tcp.on('error', () => ws.terminate());
    ws.on('message', (m: Buffer) => {
      if (m[0] === 0) tcp.write(m.subarray(1));
    });
    ws.on('close', () => tcp.destroy());
  };
}

/** A pod server that echoes each connection. */
async function echoPod(): Promise<number> {
  pod = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => pod!.listen(0, '127.0.0.1', r));
  return (pod.address() as { port: number }).port;
}

function roundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let got = 0;
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= payload.length) {
        s.end();
        resolve(Buffer.concat(chunks));
      }
    });
    s.on('error', reject);
    s.write(payload);
  });
}

describe('port-forward', () => {
  it('parses kubectl port syntax and refuses bad ports', () => {
    expect(parsePortMapping('8080')).toEqual({ local: 8080, remote: 8080 });
    expect(parsePortMapping('5000:80')).toEqual({ local: 5000, remote: 80 });
    expect(parsePortMapping(':80')).toEqual({ local: 0, remote: 80 });
    expect(parsePortMapping('0:80')).toEqual({ local: 0, remote: 80 });
    expect(parsePortMapping({ local: 0, remote: 443 })).toEqual({ local: 0, remote: 443 });
    for (const bad of ['x', '1:2:3', '70000', ':0', 'a:80']) expect(() => parsePortMapping(bad)).toThrow(ConfigError);
  });

  it('binds free ports, forwards many concurrent connections byte-exact, one WebSocket each', async () => {
    const podPort = await echoPod();
    // Credentials go to TLS servers only.
    server = await startChannelServer(() => ({ accept: kubelet(podPort) }), {
      speaks: ['v4.channel.k8s.io'],
      tls: { cert: LOOPBACK_CA, key: LOOPBACK_PRIVATE },
    });
    const pf = portForward(
      { host: server.url, tls: { caData: LOOPBACK_CA }, bearerToken: 't' },
      { namespace: 'ns', pod: 'web', ports: [':8080', '0:9090'] },
    );
    const ports = await pf.ready;
    expect(ports.map((p) => p.remote)).toEqual([8080, 9090]);
    expect(ports.every((p) => p.local > 0 && p.address === '127.0.0.1')).toBe(true);
    const payloads = Array.from({ length: 30 }, (_, i) => randomBytes(i === 0 ? 2 * 1024 * 1024 : 10_000 + i));
    const answers = await Promise.all(payloads.map((p, i) => roundTrip(ports[i % 2]!.local, p)));
    expect(answers.map((a, i) => a.equals(payloads[i]!))).toEqual(payloads.map(() => true));
    expect(server.upgrades).toHaveLength(30);
    expect(server.upgrades[0]!.url.pathname).toBe('/api/v1/namespaces/ns/pods/web/portforward');
    expect(server.upgrades[0]!.offered).toEqual(['v4.channel.k8s.io']);
    expect(server.upgrades[0]!.headers.authorization).toBe('Bearer t');
    expect(new Set(server.upgrades.map((u) => u.url.searchParams.get('ports')))).toEqual(new Set(['8080', '9090']));
    await eventually(() => pf.connections === 0);
    await pf.close();
    await eventually(() => server!.openSockets() === 0);
  });

  it('a local client that does not read stops reading from the stream (nothing piles up in the forwarder), then gets every byte', async () => {
    const total = 64 * 1024 * 1024;
    let kubeletWs: WebSocket | undefined;
    server = await startChannelServer(() => ({
      accept: (ws, _p, seen) => {
        kubeletWs = ws;
        const port = Number(seen.url.searchParams.get('ports'));
        sendFrame(ws, 0, portPrefix(port));
        sendFrame(ws, 1, portPrefix(port));
        const chunk = Buffer.alloc(32 * 1024, 7);
        for (let sent = 0; sent < total; sent += chunk.length) sendFrame(ws, 0, chunk);
      },
    }));
    const pf = portForward({ host: server.url }, { namespace: 'ns', pod: 'web', ports: [':80'] });
    const [{ local }] = await pf.ready;
    const client = connect(local, '127.0.0.1');
    client.pause();
    await eventually(() => kubeletWs !== undefined);
    // The server's unsent backlog stops shrinking while plenty is left: the forwarder holds at
    // most its 1 MiB plus what the kernel's socket buffers take. (Without backpressure it would
    // read everything into memory and the backlog would reach 0.)
    let last = -1;
    let unchanged = 0;
    for (let i = 0; i < 80 && unchanged < 8 && kubeletWs!.bufferedAmount > 0; i++) {
      unchanged = kubeletWs!.bufferedAmount === last ? unchanged + 1 : 0;
      last = kubeletWs!.bufferedAmount;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(kubeletWs!.bufferedAmount).toBeGreaterThan(total / 2);
    let got = 0;
    let wrong = 0;
    client.on('data', (d: Buffer) => {
      got += d.length;
      for (const b of d) if (b !== 7) wrong++;
    });
    client.resume();
    await eventually(() => got === total, 30_000);
    expect(wrong).toBe(0);
    client.destroy();
    await pf.close();
  });

  it('leaves no handles behind after 100 concurrent connections close', async () => {
    const podPort = await echoPod();
    server = await startChannelServer(() => ({ accept: kubelet(podPort) }));
    const handles = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    const before = handles();
    const pf = portForward({ host: server.url }, { namespace: 'ns', pod: 'web', ports: [':80'] });
    const [{ local }] = await pf.ready;
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => roundTrip(local, Buffer.from(`hello ${i}`))),
    );
    expect(answers.map((a) => a.toString())).toEqual(Array.from({ length: 100 }, (_, i) => `hello ${i}`));
    await eventually(() => pf.connections === 0);
    await pf.close();
    await eventually(() => server!.openSockets() === 0);
    await eventually(() => handles() <= before, 10_000);
  });

  it('surfaces the error channel of a connection (nothing listens) and closes that connection', async () => {
    server = await startChannelServer(() => ({ accept: kubelet(undefined) }));
    const errors: PortForwardError[] = [];
    const pf = portForward(
      { host: server.url },
      { namespace: 'ns', pod: 'web', ports: [':7000'], onError: (e) => errors.push(e) },
    );
    const [{ local }] = await pf.ready;
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect(local, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('close', () => resolve(true));
    });
    expect(closed).toBe(true);
    await eventually(() => errors.length === 1);
    expect(errors[0]).toBeInstanceOf(PortForwardError);
    expect(errors[0]!.remotePort).toBe(7000);
    expect(errors[0]!.message).toBe('error forwarding port 7000 to pod web: connection refused');
    await pf.close();
  });

  it('reports a refused upgrade (missing pod) per connection', async () => {
    server = await startChannelServer(() => ({
      refuse: {
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'pods "web" not found',
        }),
      },
    }));
    const errors: PortForwardError[] = [];
    const pf = portForward(
      { host: server.url },
      { namespace: 'ns', pod: 'web', ports: [':80'], onError: (e) => errors.push(e) },
    );
    const [{ local }] = await pf.ready;
    const s = connect(local, '127.0.0.1');
    s.on('error', () => undefined);
    await eventually(() => errors.length === 1);
    expect(errors[0]!.message).toContain('pods "web" not found');
    expect((errors[0]!.cause as Error).name).toBe('StatusError');
    await pf.close();
  });

  it('a frame on another channel is reported and closes the connection', async () => {
    server = await startChannelServer(() => ({ accept: (ws) => sendFrame(ws, 5, 'x') }));
    const errors: PortForwardError[] = [];
    const pf = portForward(
      { host: server.url },
      { namespace: 'ns', pod: 'web', ports: [':80'], onError: (e) => errors.push(e) },
    );
    const [{ local }] = await pf.ready;
    connect(local, '127.0.0.1').on('error', () => undefined);
    await eventually(() => errors.length === 1);
    expect(errors[0]!.message).toContain('channel 5');
    await eventually(() => server!.openSockets() === 0);
    await pf.close();
  });

  it('the abort signal closes the listeners and drops open connections', async () => {
    const podPort = await echoPod();
    server = await startChannelServer(() => ({ accept: kubelet(podPort) }));
    const ac = new AbortController();
    const pf = portForward({ host: server.url }, { namespace: 'ns', pod: 'web', ports: [':80'], signal: ac.signal });
    const [{ local }] = await pf.ready;
    const s = connect(local, '127.0.0.1');
    s.on('error', () => undefined);
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    await roundTripOn(s, Buffer.from('ping'));
    ac.abort();
    await pf.done;
    await closed;
    await eventually(() => server!.openSockets() === 0);
    const refused = await new Promise<boolean>((resolve) => {
      const c = connect(local, '127.0.0.1');
      c.on('error', () => resolve(true));
      c.on('connect', () => resolve(false));
    });
    expect(refused).toBe(true);
  });

  it('rejects ready when a local port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const pf = portForward({ host: 'http://127.0.0.1:1' }, { namespace: 'ns', pod: 'web', ports: [`${port}:80`] });
    await expect(pf.ready).rejects.toThrow(/EADDRINUSE/);
    await pf.done;
    await new Promise<void>((r) => taken.close(() => r()));
  });
});

function roundTripOn(s: Socket, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    s.once('data', () => resolve());
    s.write(payload);
  });
}
