// The etcd v3 JSON gateway helper (test/support/etcd-gateway.ts) against a scripted loopback
// server: the requests it sends, int64-as-string revisions, etcd's error bodies, and its bounds.
// The real etcd is the judge in the integration tests that compact (rest, informer-faults, faults).
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../../support/caught.js';
import { compactEtcd, compactEtcdNow, EtcdGatewayError, etcdRevision } from '../../support/etcd-gateway.js';
import { json, startFakeServer } from '../../support/fake-server.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const fake = async (...args: Parameters<typeof startFakeServer>) => {
  const s = await startFakeServer(...args);
  servers.push(s);
  return s;
};
const status = (revision: unknown) => ({
  header: { cluster_id: '1', member_id: '2', revision, raft_term: '2' },
  version: '3.4.23',
});

describe('etcd gateway helper', () => {
  it('reads the revision from POST /v3/maintenance/status (an int64 sent as a string)', async () => {
    const s = await fake((_req, res) => json(res, 200, status('1523')));
    expect(await etcdRevision(`${s.url}/`)).toBe(1523);
    expect(s.requests.map((r) => [r.method, r.url, r.headers['content-type'], r.body])).toEqual([
      ['POST', '/v3/maintenance/status', 'application/json', '{}'],
    ]);
  });

  it('compacts with POST /v3/kv/compaction and the revision as a string; compactEtcdNow uses the current one', async () => {
    const s = await fake((req, res) =>
      json(res, 200, req.url.endsWith('/status') ? status('77') : { header: { revision: '77' } }),
    );
    expect(await compactEtcdNow(s.url)).toBe(77);
    await compactEtcd(s.url, 5);
    expect(s.requests.map((r) => [r.url, r.body])).toEqual([
      ['/v3/maintenance/status', '{}'],
      ['/v3/kv/compaction', '{"revision":"77"}'],
      ['/v3/kv/compaction', '{"revision":"5"}'],
    ]);
  });

  const failures: Array<[string, (res: import('node:http').ServerResponse) => void, RegExp, number | undefined]> = [
    [
      "etcd's error body (already compacted)",
      (res) =>
        json(res, 400, {
          error: 'etcdserver: mvcc: required revision has been compacted',
          message: 'etcdserver: mvcc: required revision has been compacted',
          code: 11,
        }),
      /HTTP 400: etcdserver: mvcc: required revision has been compacted/,
      400,
    ],
    [
      'a body that is not JSON',
      (res) => res.writeHead(404).end('404 page not found'),
      /not JSON: 404 page not found/,
      404,
    ],
    ['no revision in the header', (res) => json(res, 200, status(undefined)), /no usable header.revision/, 200],
    ['a revision that is not a number', (res) => json(res, 200, status('12x')), /no usable header.revision/, 200],
    ['an answer that never ends in size', (res) => res.writeHead(200).end('x'.repeat(100_000)), /longer than/, 200],
  ];
  it.each(failures)('fails with a typed error on %s', async (_what, answer, message, code) => {
    const s = await fake((_req, res) => answer(res));
    const err = await rejection(etcdRevision(s.url));
    expect(err).toBeInstanceOf(EtcdGatewayError);
    expect((err as EtcdGatewayError).message).toMatch(message);
    expect((err as EtcdGatewayError).status).toBe(code);
  });

  it('names the cause when nothing listens, and gives up after timeoutMs when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await rejection(compactEtcdNow(`http://127.0.0.1:${port}`));
    expect(refused).toBeInstanceOf(EtcdGatewayError);
    expect((refused as Error).message).toMatch(/ECONNREFUSED/);

    const silent = await fake(() => {});
    const started = Date.now();
    const timedOut = await rejection(etcdRevision(silent.url, { timeoutMs: 200 }));
    expect((timedOut as Error).message).toMatch(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a revision that is not a positive integer before sending anything', async () => {
    const s = await fake((_req, res) => json(res, 200, {}));
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(await rejection(compactEtcd(s.url, bad))).toBeInstanceOf(EtcdGatewayError);
    }
    expect(s.requests).toHaveLength(0);
  });
});
