// RESTClient/Request behaviour pinned by client-go: URL building, option encoding, retries on
// Retry-After, rate limiting, warnings, typed errors, auth headers and watch decoding.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isConflict,
  isNotFound,
  isTooManyRequests,
  StatusError,
  suggestsClientDelay,
} from '../../../src/apimachinery/errors.js';
import {
  type Config,
  newDeduplicatingWarningHandler,
  newURLBackoff,
  RequestAbortedError,
  restClientFor,
  type RESTClient,
} from '../../../src/rest/index.js';
import { json, LOOPBACK_CA, type Recorded, startFakeServer } from '../../support/fake-server.js';

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

async function setup(
  handler: Parameters<typeof startFakeServer>[0],
  config: Partial<Config> = {},
): Promise<{ rc: RESTClient; requests: Recorded[] }> {
  const server = await startFakeServer(handler, { tls: true });
  closeServer = server.close;
  const rc = restClientFor({
    host: server.url,
    apiPath: '/apis',
    groupVersion: { group: 'apps', version: 'v1' },
    qps: -1,
    ...config,
    tls: { caData: LOOPBACK_CA, ...config.tls },
  });
  return { rc, requests: server.requests };
}

describe('Request URL', () => {
  const rc = restClientFor({
    host: 'https://example.test/prefix',
    groupVersion: { group: 'apps', version: 'v1' },
    apiPath: '/apis',
  });
  it.each([
    [
      'namespaced name',
      rc.get().namespace('ns').resource('deployments').name('web'),
      '/prefix/apis/apps/v1/namespaces/ns/deployments/web',
    ],
    [
      'subresource',
      rc.get().namespace('ns').resource('deployments').name('web').subResource('scale'),
      '/prefix/apis/apps/v1/namespaces/ns/deployments/web/scale',
    ],
    ['cluster list', rc.get().resource('deployments'), '/prefix/apis/apps/v1/deployments'],
    [
      'empty namespace is all namespaces',
      rc.get().namespace('').resource('deployments'),
      '/prefix/apis/apps/v1/deployments',
    ],
    ['absPath', rc.get().absPath('/version'), '/prefix/version'],
  ])('%s', (_name, req, path) => {
    expect(req.url().pathname).toBe(path);
  });

  it('encodes versioned params as client-go does', () => {
    const url = rc
      .get()
      .resource('deployments')
      .versionedParams({
        labelSelector: 'a=b,c in (d)',
        fieldSelector: '',
        limit: 0,
        watch: true,
        timeoutSeconds: 0,
        dryRun: ['All'],
        continue: undefined,
      })
      .url();
    expect([...url.searchParams.entries()]).toEqual([
      ['labelSelector', 'a=b,c in (d)'],
      ['watch', 'true'],
      ['timeoutSeconds', '0'],
      ['dryRun', 'All'],
    ]);
  });

  it('sends a per-request timeout as the timeout parameter', () => {
    expect(rc.get().resource('deployments').timeout(30_000).url().searchParams.get('timeout')).toBe('30s');
  });
});

describe('Request.do', () => {
  it('retries a 429 with Retry-After and then succeeds', async () => {
    const { rc, requests } = await setup((_req, res, i) => {
      if (i < 2)
        json(
          res,
          429,
          { kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' },
          { 'retry-after': '0' },
        );
      else json(res, 200, { kind: 'Deployment' });
    });
    const out = (await rc.get().resource('deployments').name('x').do()).into<{ kind: string }>();
    expect(out.kind).toBe('Deployment');
    expect(requests).toHaveLength(3);
  });

  it('gives up after maxRetries and reports the server delay', async () => {
    const { rc, requests } = await setup(
      (_r, res) => json(res, 429, { kind: 'Status', code: 429, reason: 'TooManyRequests' }, { 'retry-after': '0' }),
      {
        maxRetries: 2,
      },
    );
    const err = await rc
      .get()
      .resource('deployments')
      .do()
      .catch((e: unknown) => e);
    expect(isTooManyRequests(err)).toBe(true);
    expect(requests).toHaveLength(3);
    expect(suggestsClientDelay(err)).toBeUndefined(); // Retry-After 0
  });

  it('does not retry a 500 without Retry-After', async () => {
    const { rc, requests } = await setup((_r, res) => {
      res.writeHead(500);
      res.end('boom');
    });
    const err = await rc
      .get()
      .resource('deployments')
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).reason).toBe('InternalError');
    expect((err as Error).message).toContain('"boom"');
    expect(requests).toHaveLength(1);
  });

  it.each([
    [404, isNotFound, 'the server could not find the requested resource'],
    [409, isConflict, 'the server reported a conflict'],
  ])('builds a generic StatusError for a bare %i', async (code, predicate, message) => {
    const { rc } = await setup((_r, res) => {
      res.writeHead(code);
      res.end();
    });
    const err = await rc
      .get()
      .resource('deployments')
      .name('x')
      .do()
      .catch((e: unknown) => e);
    expect(predicate(err)).toBe(true);
    expect((err as Error).message).toContain(message);
  });

  it('passes warnings to the handler once each and on the Result', async () => {
    const seen: string[] = [];
    const { rc } = await setup((_r, res) => json(res, 200, {}, { warning: '299 - "deprecated API"' }), {
      warningHandler: newDeduplicatingWarningHandler((l) => seen.push(l)),
    });
    const r1 = await rc.get().resource('deployments').do();
    await rc.get().resource('deployments').do();
    expect(r1.warnings).toEqual(['deprecated API']);
    expect(seen).toEqual(['Warning: deprecated API']);
  });

  it('rate limits: burst, then qps', async () => {
    const { rc } = await setup((_r, res) => json(res, 200, {}), { qps: 20, burst: 2 });
    const started = performance.now();
    for (let i = 0; i < 6; i++) await rc.get().resource('deployments').do();
    // 2 at once, then 4 more at 20/s: at least ~200 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('sends auth, impersonation and user-agent headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-token-'));
    writeFileSync(join(dir, 'token'), 'file-token\n');
    const { rc, requests } = await setup((_r, res) => json(res, 200, {}), {
      bearerTokenFile: join(dir, 'token'),
      impersonate: { userName: 'jane', groups: ['a', 'b'], extra: { 'scopes/x': ['s1'] } },
      userAgent: 'my-controller/1.0',
    });
    await rc.post().resource('deployments').body({ kind: 'Deployment' }).do();
    const h = requests[0]!.headers;
    expect(h.authorization).toBe('Bearer file-token');
    expect(h['impersonate-user']).toBe('jane');
    expect(h['impersonate-group']).toBe('a, b');
    expect(h['impersonate-extra-scopes%2fx']).toBe('s1');
    expect(h['user-agent']).toBe('my-controller/1.0');
    expect(h['content-type']).toBe('application/json');
    expect(requests[0]!.body).toBe('{"kind":"Deployment"}');
  });

  it('aborts with a RequestAbortedError', async () => {
    const { rc } = await setup(() => {
      /* never answers */
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 50);
    const err = await rc
      .get()
      .resource('deployments')
      .signal(ac.signal)
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestAbortedError);
  });
});

describe('per-host backoff (off by default)', () => {
  it('backs off exponentially after 5xx and resets on success', () => {
    const b = newURLBackoff(100, 350);
    const u = new URL('https://api.example:6443/api/v1/pods');
    expect(b.calculateBackoff(u)).toBe(0);
    b.updateBackoff(u, 503);
    expect(b.calculateBackoff(u)).toBe(100);
    b.updateBackoff(u, 0);
    b.updateBackoff(u, 500);
    expect(b.calculateBackoff(u)).toBe(350);
    expect(b.calculateBackoff(new URL('https://other:6443/'))).toBe(0);
    b.updateBackoff(u, 200);
    expect(b.calculateBackoff(u)).toBe(0);
  });

  it('delays the next request to a failing host', async () => {
    const { rc } = await setup(
      (_r, res, i) => (i === 0 ? json(res, 503, { kind: 'Status', code: 503 }) : json(res, 200, {})),
      {
        urlBackoff: newURLBackoff(150, 1000),
      },
    );
    await rc
      .get()
      .resource('deployments')
      .do()
      .catch(() => undefined);
    const started = performance.now();
    await rc.get().resource('deployments').do();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('transport details', () => {
  it('asks for gzip and decodes gzip bodies', async () => {
    const { rc, requests } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ kind: 'DeploymentList', items: [] })));
    });
    expect((await rc.get().resource('deployments').do()).into<{ kind: string }>().kind).toBe('DeploymentList');
    expect(requests[0]!.headers['accept-encoding']).toBe('gzip');
  });

  it('disableCompression: no accept-encoding, plain body', async () => {
    const { rc, requests } = await setup((_r, res) => json(res, 200, { kind: 'DeploymentList', items: [] }), {
      disableCompression: true,
    });
    expect((await rc.get().resource('deployments').do()).into<{ kind: string }>().kind).toBe('DeploymentList');
    expect(requests[0]!.headers['accept-encoding']).toBeUndefined();
  });

  it('loads only the undici modules it needs, and they are the ones undici exports', async () => {
    const parts = await import('../../../src/rest/undici.js');
    const undici = await import('undici');
    // The stand-ins load undici on first construction and build undici's own classes.
    const agent = new parts.Agent();
    expect(agent).toBeInstanceOf(undici.Agent);
    expect(agent).toBeInstanceOf(parts.Agent);
    const proxyAgent = new parts.ProxyAgent({ uri: 'http://127.0.0.1:9' });
    expect(proxyAgent).toBeInstanceOf(undici.ProxyAgent);
    expect(new parts.EnvHttpProxyAgent()).toBeInstanceOf(undici.EnvHttpProxyAgent);
    await proxyAgent.close();
    const server = await startFakeServer((_r, res) => json(res, 200, { ok: true }));
    closeServer = server.close;
    const res = await parts.request(new URL(`${server.url}/x?y=1`), { method: 'GET', dispatcher: agent });
    expect(await res.body.json()).toEqual({ ok: true });
    expect(server.requests[0]!.url).toBe('/x?y=1');
    await agent.close();
  });

  it('logs client-side throttling waits over 1 s, as client-go does', async () => {
    const lines: string[] = [];
    const { rc } = await setup((_r, res) => json(res, 200, {}), { qps: 0.8, burst: 1, logger: (l) => lines.push(l) });
    await rc.get().resource('deployments').do();
    await rc.get().resource('deployments').do();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Waited for 1\.\d+s due to client-side throttling, not priority and fairness, request: GET:http/,
    );
  });

  it('re-reads a rotated bearer token file after a minute', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-rotate-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'first');
    const { rc, requests } = await setup((_r, res) => json(res, 200, {}), { bearerTokenFile: file });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await rc.get().resource('deployments').do();
      writeFileSync(file, 'second');
      await rc.get().resource('deployments').do();
      vi.setSystemTime(Date.now() + 61_000);
      await rc.get().resource('deployments').do();
    } finally {
      vi.useRealTimers();
    }
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer first', 'Bearer first', 'Bearer second']);
  });
});

describe('Request.watch', () => {
  it('decodes events and turns garbage into ERROR events without stopping', async () => {
    const { rc } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI');
      res.write('FIED","object":{"metadata":{"name":"a"}}}\nnot json\n{"type":"WEIRD","object":{}}\n');
      res.end('{"type":"DELETED","object":{"metadata":{"name":"a"}}}\n');
    });
    const w = await rc.get().resource('deployments').watch();
    const types: string[] = [];
    for await (const ev of w) types.push(ev.type);
    expect(types).toEqual(['ADDED', 'MODIFIED', 'ERROR', 'ERROR', 'DELETED']);
  });

  it('rejects 410 Gone with a StatusError', async () => {
    const { rc } = await setup((_r, res) =>
      json(res, 410, { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }),
    );
    const err = await rc
      .get()
      .resource('deployments')
      .watch()
      .catch((e: unknown) => e);
    expect((err as StatusError).code).toBe(410);
  });

  it('ends quietly when the connection drops mid-stream', async () => {
    const { rc } = await setup((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const w = await rc.get().resource('deployments').watch();
    const types: string[] = [];
    for await (const ev of w) types.push(ev.type);
    expect(types).toEqual(['ADDED']);
  });
});
