// A closed client gives back what it holds: its reference on the shared connection pool (the pool
// closes with its last user) and later requests fail with a typed error. TransportError carries
// the code of the failure (errno, undici or TLS) so callers classify by code, never by message.
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamicClient } from '../../../src/dynamic/dynamic-client.js';
import { Clientset } from '../../../src/generated/clientset.js';
import { MetadataClient } from '../../../src/metadata/metadata-client.js';
import { RESTClientPool } from '../../../src/rest/client-pool.js';
import { errorCode, TransportError } from '../../../src/rest/errors.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { closeAllTransports, closeRoundTrip, roundTripFor, transportPoolCount } from '../../../src/rest/transport.js';
import { json, LOOPBACK_CA, startFakeServer } from '../../support/fake-server.js';

let server: Awaited<ReturnType<typeof startFakeServer>>;
beforeAll(async () => {
  server = await startFakeServer((_req, res) => json(res, 200, { kind: 'List', items: [], metadata: {} }), {
    tls: true,
  });
});
afterAll(async () => {
  await server.close();
  await closeAllTransports();
});
beforeEach(async () => {
  await closeAllTransports();
});

const config = () => ({ host: server.url, tls: { caData: LOOPBACK_CA }, qps: -1 });
const v1 = { group: '', version: 'v1' };
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('a closed client releases its transport', () => {
  it('RESTClient: close drops the pool; a request afterwards fails with code CLIENT_CLOSED', async () => {
    const rc = restClientFor({ ...config(), groupVersion: v1 });
    await rc.get().resource('pods').do();
    expect(transportPoolCount()).toBe(1);
    await rc.close();
    expect(transportPoolCount()).toBe(0);
    const err = await rejection(rc.get().resource('pods').do());
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('CLIENT_CLOSED');
    await rc.close(); // twice: nothing more
    expect(transportPoolCount()).toBe(0);
  });

  it('clients with the same settings share one pool: it closes with the last of them', async () => {
    const a = restClientFor({ ...config(), groupVersion: v1 });
    const b = restClientFor({ ...config(), groupVersion: v1 });
    expect(transportPoolCount()).toBe(1);
    await a.close();
    expect(transportPoolCount()).toBe(1);
    expect((await b.get().resource('pods').do()).into<{ kind: string }>().kind).toBe('List');
    await b.close();
    expect(transportPoolCount()).toBe(0);
  });

  it('a client given a round trip does not own it; the owner of the round trip closes it', async () => {
    const rt = roundTripFor(config());
    const rc = restClientFor({ ...config(), groupVersion: v1 });
    const borrowed = new (rc.constructor as typeof import('../../../src/rest/rest-client.js').RESTClient)(
      { ...config(), groupVersion: v1 },
      { roundTrip: rt, versioned: true },
    );
    await rc.close();
    await borrowed.close();
    expect(transportPoolCount()).toBe(1); // rt still holds it
    expect((await borrowed.get().resource('pods').do()).into<{ kind: string }>().kind).toBe('List');
    await closeRoundTrip(rt);
    expect(transportPoolCount()).toBe(0);
  });

  it.each([
    ['RESTClientPool', () => new RESTClientPool(config())],
    ['Clientset', () => Clientset.forConfig(config())],
    ['DynamicClient', () => DynamicClient.forConfig(config())],
    ['MetadataClient', () => MetadataClient.forConfig(config())],
  ])('%s: close releases the pool its group-version clients share', async (_name, make) => {
    const client = make();
    expect(transportPoolCount()).toBe(1);
    await client.close();
    expect(transportPoolCount()).toBe(0);
  });

  it('closing many clients leaves no pool behind (no growth over client lifetimes)', async () => {
    for (let i = 0; i < 20; i++) {
      const rc = restClientFor({ ...config(), groupVersion: v1, tls: { caData: LOOPBACK_CA, serverName: `n${i}` } });
      expect(transportPoolCount()).toBe(1);
      await rc.close();
    }
    expect(transportPoolCount()).toBe(0);
  });
});

describe('TransportError.code', () => {
  it.each<[string, unknown, string | undefined]>([
    ['an errno error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    [
      'undici wrapping a socket error',
      Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      'UND_ERR_SOCKET',
    ],
    [
      'a TypeError whose cause has the code',
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
      'ECONNRESET',
    ],
    ['no code anywhere', new Error('boom'), undefined],
    ['a non-string code', Object.assign(new Error('x'), { code: 42 }), undefined],
    ['not an error', 'ECONNREFUSED', undefined],
  ])('errorCode of %s', (_name, err, code) => {
    expect(errorCode(err)).toBe(code);
    expect(new TransportError('m', 'u', { cause: err }).code).toBe(code);
  });

  it('an explicit code wins over the cause', () => {
    const cause = Object.assign(new Error('x'), { code: 'ECONNRESET' });
    expect(new TransportError('m', 'u', { cause, code: 'CLIENT_CLOSED' }).code).toBe('CLIENT_CLOSED');
  });

  it('a refused connection has code ECONNREFUSED; an untrusted server certificate a TLS code', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = restClientFor({ host: `http://127.0.0.1:${port}`, groupVersion: v1, qps: -1, proxy: false });
    const e1 = await rejection(refused.get().resource('pods').do());
    expect(e1).toBeInstanceOf(TransportError);
    expect((e1 as TransportError).code).toBe('ECONNREFUSED');

    const untrusted = restClientFor({ host: server.url, groupVersion: v1, qps: -1 }); // no CA
    const e2 = await rejection(untrusted.get().resource('pods').do());
    expect(e2).toBeInstanceOf(TransportError);
    expect((e2 as TransportError).code).toMatch(/CERT|SIGNED|VERIFY/);
    await refused.close();
    await untrusted.close();
  });
});
