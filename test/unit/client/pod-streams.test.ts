// The typed pods client's streaming calls: exec/execText/attach/portForward go to the pod's
// subresources through the clientset's config; streamLog streams lines and raw bytes, and its
// opt-in reconnect resumes after a cut without losing or repeating lines.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/apimachinery/errors.js';
import { Clientset, PodLogStream } from '../../../src/kubernetes/index.js';
import { type ChannelServer, exitStatus, sendFrame, startChannelServer } from '../../support/channel-server.js';
import { LOOPBACK_CA, LOOPBACK_PRIVATE } from '../../support/fake-server.js';
import { json, startFakeServer } from '../../support/fake-server.js';

let close: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of close) await c();
  close = [];
});

describe('pods(ns) streaming calls', () => {
  it('exec, execText and attach use the clientset config (credentials, impersonation) and the pod URL', async () => {
    const server: ChannelServer = await startChannelServer(
      () => ({
        accept: (ws) => {
          sendFrame(ws, 1, 'out');
          sendFrame(ws, 2, 'err');
          sendFrame(ws, 3, exitStatus(3));
          ws.close(1000);
        },
      }),
      // Credentials go to TLS servers only.
      { tls: { cert: LOOPBACK_CA, key: LOOPBACK_PRIVATE } },
    );
    close.push(() => server.close());
    const cs = new Clientset({
      host: server.url,
      tls: { caData: LOOPBACK_CA },
      bearerToken: 'tok',
      impersonate: { userName: 'alice', groups: ['a', 'b'] },
    });
    const pods = cs.coreV1.pods('ns');
    expect(await pods.execText('web', { command: ['sh', '-c', 'exit 3'], container: 'c' })).toEqual({
      stdout: 'out',
      stderr: 'err',
      exitCode: 3,
    });
    const out: Buffer[] = [];
    const e = await pods
      .exec('web', {
        command: ['x'],
        stdout: new Writable({
          write(c: Buffer, _e, cb) {
            out.push(c);
            cb();
          },
        }),
      })
      .catch((x: unknown) => x);
    expect((e as { exitCode: number }).exitCode).toBe(3);
    expect(Buffer.concat(out).toString()).toBe('out');
    await pods.attach('web', { stdout: new Writable({ write: (_c, _e, cb) => cb() }) }).catch(() => undefined);
    const [first, , third] = server.upgrades;
    expect(first!.url.pathname).toBe('/api/v1/namespaces/ns/pods/web/exec');
    expect(first!.url.searchParams.get('container')).toBe('c');
    expect(first!.headers.authorization).toBe('Bearer tok');
    expect(first!.headers['impersonate-user']).toBe('alice');
    // Each group is its own header line, as for every other request.
    const groups = first!.rawHeaders.filter(
      (_h, i, all) => i % 2 === 1 && all[i - 1]!.toLowerCase() === 'impersonate-group',
    );
    expect(groups).toEqual(['a', 'b']);
    expect(third!.url.pathname).toBe('/api/v1/namespaces/ns/pods/web/attach');
  });

  it('refuses a pods client of all namespaces', async () => {
    const cs = new Clientset({ host: 'http://127.0.0.1:1' });
    await expect(cs.coreV1.pods('').execText('web', { command: ['ls'] })).rejects.toThrow(/namespace may not be empty/);
  });
});

describe('pods(ns).streamLog', () => {
  it('streams lines with the query of PodLogOptions; a missing pod is a StatusError', async () => {
    const srv = await startFakeServer((req, res) => {
      if (req.url.includes('/pods/gone/')) {
        json(res, 404, {
          kind: 'Status',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'pods "gone" not found',
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one\ntw');
      setTimeout(() => res.end('o\nthree'), 20);
    });
    close.push(srv.close);
    const pods = new Clientset({ host: srv.url }).coreV1.pods('ns');
    const log = await pods.streamLog('web', {
      follow: true,
      container: 'c',
      tailLines: 5,
      timestamps: true,
      sinceTime: new Date('2024-01-02T03:04:05Z'),
    });
    expect(log).toBeInstanceOf(PodLogStream);
    const lines: string[] = [];
    for await (const l of log) lines.push(l);
    expect(lines).toEqual(['one', 'two', 'three']);
    const q = new URL(srv.requests[0]!.url, 'http://x').searchParams;
    expect(Object.fromEntries(q)).toEqual({
      container: 'c',
      follow: 'true',
      tailLines: '5',
      timestamps: 'true',
      sinceTime: '2024-01-02T03:04:05.000Z',
    });
    const e = await pods.streamLog('gone').catch((x: unknown) => x);
    expect(isNotFound(e)).toBe(true);
  });

  it('without reconnect, a cut ends the raw stream with an error; with reconnect the lines go on exactly once', async () => {
    let logRequests = 0;
    const srv = await startFakeServer((req, res) => {
      if (!req.url.includes('/log')) {
        json(res, 200, { kind: 'Pod', status: { containerStatuses: [{ name: 'c', state: { terminated: {} } }] } });
        return;
      }
      logRequests++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (logRequests === 1 || logRequests === 2) {
        // Three lines, the last two in the same second, then the connection drops.
        res.write('2024-01-01T00:00:01.5Z a\n2024-01-01T00:00:02.1Z b\n2024-01-01T00:00:02.2Z c\n', () =>
          setTimeout(() => res.socket?.destroy(), 20),
        );
        return;
      }
      // Resumed from the second of the last line: the server repeats that second, then goes on.
      res.end(
        '2024-01-01T00:00:02.1Z b\n2024-01-01T00:00:02.2Z c\n2024-01-01T00:00:02.2Z c2\n2024-01-01T00:00:03Z d\n',
      );
    });
    close.push(srv.close);
    const pods = new Clientset({ host: srv.url }).coreV1.pods('ns');

    const plain = await pods.streamLog('web', { follow: true });
    const got: string[] = [];
    const err = await (async () => {
      for await (const l of plain) got.push(l);
    })().catch((x: unknown) => x);
    expect(err).toBeInstanceOf(Error);
    expect(got).toEqual(['2024-01-01T00:00:01.5Z a', '2024-01-01T00:00:02.1Z b', '2024-01-01T00:00:02.2Z c']);

    const resumed = await pods.streamLog('web', { follow: true, container: 'c', reconnect: true });
    const lines: string[] = [];
    for await (const l of resumed) lines.push(l);
    expect(lines).toEqual(['a', 'b', 'c', 'c2', 'd']);
    const third = new URL(srv.requests.filter((r) => r.url.includes('/log'))[2]!.url, 'http://x').searchParams;
    expect(third.get('sinceTime')).toBe('2024-01-01T00:00:02Z');
    expect(third.get('timestamps')).toBe('true');
  });
});
