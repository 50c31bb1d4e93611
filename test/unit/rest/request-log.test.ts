// The REST client's request log and metrics hooks against a loopback server: the kubectl -v=6
// line per request, headers and bodies at 7-9 with every credential redacted (the client's own
// token and password, Authorization headers, Secret data in every request and answer shape,
// TokenReview/TokenRequest tokens, exec credential fields), the per-client logger and metrics
// winning over the global ones, and the hooks (latency, result codes, rate-limiter wait,
// retries) with the prom-client adapter.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as promClient from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/rest/config.js';
import { redactBody, redactHeaders } from '../../../src/rest/log-redact.js';
import {
  combineRestMetrics,
  promClientRestMetrics,
  type RestMetrics,
  setRestMetrics,
} from '../../../src/rest/metrics.js';
import { REDACTED } from '../../../src/rest/redact.js';
import { MAX_LOGGED_BODY_BYTES } from '../../../src/rest/request-log.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { type LogEntry, newLogger, setLogger, setVerbosity, silentLogger } from '../../../src/util/log/index.js';
import { json, LOOPBACK_CA, startFakeServer } from '../../support/fake-server.js';

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  setLogger(undefined);
  setVerbosity(0);
  setRestMetrics(undefined);
});

type Handler = Parameters<typeof startFakeServer>[0];

async function server(handler: Handler, tls = false) {
  const s = await startFakeServer(handler, { tls });
  closers.push(s.close);
  return s;
}

/** A logger at `verbosity` that keeps its entries. */
function collector(verbosity: number) {
  const entries: LogEntry[] = [];
  return {
    entries,
    logger: newLogger((e) => entries.push(e), { verbosity }),
    text: () => entries.map((e) => e.message).join('\n'),
  };
}

const core = (host: string, extra: Partial<Config> = {}) =>
  restClientFor({ host, groupVersion: { group: '', version: 'v1' }, qps: -1, proxy: false, ...extra });

describe('the per-request line', () => {
  it('is written at verbosity 6 as kubectl -v=6 shows it: verb, URL, status, latency', async () => {
    const s = await server((_r, res) => json(res, 200, { kind: 'ConfigMap' }));
    const at6 = collector(6);
    const at5 = collector(5);
    await core(s.url, { logger: at6.logger }).get().namespace('default').resource('configmaps').name('x').do();
    await core(s.url, { logger: at5.logger }).get().namespace('default').resource('configmaps').name('x').do();
    expect(at6.entries).toHaveLength(1);
    expect(at6.entries[0]!.message).toMatch(
      new RegExp(`^GET ${s.url}/api/v1/namespaces/default/configmaps/x 200 OK in \\d+ milliseconds$`),
    );
    expect(at6.entries[0]).toMatchObject({ level: 6, fields: { verb: 'GET', status: 200 } });
    expect(at5.entries).toEqual([]);
  });

  it('names a failed attempt (no answer) with its error', async () => {
    const s = await server((_r, res) => json(res, 200, {}));
    await s.close();
    const at6 = collector(6);
    await expect(
      core(s.url, { logger: at6.logger, maxRetries: 0 }).post().resource('pods').body({}).do(),
    ).rejects.toThrow();
    expect(at6.text()).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/pods {2}in \d+ milliseconds: /);
  });
});

describe('per-client logger over the global one', () => {
  it('a client with its own logger writes there; the others follow the global logger, also when set later', async () => {
    const s = await server((_r, res) => json(res, 200, {}));
    setLogger(silentLogger);
    const own = collector(6);
    const withOwn = core(s.url, { logger: own.logger });
    const withGlobal = core(s.url);
    await withOwn.get().resource('pods').do();
    await withGlobal.get().resource('pods').do();
    expect(own.entries).toHaveLength(1);
    const global = collector(6);
    setLogger(global.logger);
    await withGlobal.get().resource('nodes').do();
    expect(global.text()).toMatch(/^GET \S+\/api\/v1\/nodes 200 OK/);
    expect(own.entries).toHaveLength(1);
  });

  it('setVerbosity turns the request lines on for loggers without their own verbosity', async () => {
    const s = await server((_r, res) => json(res, 200, {}));
    const got: string[] = [];
    const rc = core(s.url, { logger: (line) => got.push(line) });
    await rc.get().resource('pods').do();
    expect(got).toEqual([]);
    setVerbosity(6);
    await rc.get().resource('pods').do();
    expect(got).toHaveLength(1);
  });
});

const TOKEN = 'tok-SECRET-1-bearer';
const PASSWORD = 'pw-SECRET-2';
const OWN_AUTH = 'own-SECRET-3';
const DATA = 'data-SECRET-4';
const STRING_DATA = 'stringdata-SECRET-5';
const REVIEW = 'review-SECRET-6';
const REQUESTED = 'requested-SECRET-7';
const EXEC_TOKEN = 'exec-SECRET-8';
const EXEC_KEY = 'key-SECRET-9';
const PATCHED = 'patched-SECRET-10';
const LAST_APPLIED = 'lastapplied-SECRET-11';
const tokenFile = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'request-log-')), 'token');
  writeFileSync(file, TOKEN);
  return file;
};
const ALL = [
  TOKEN,
  PASSWORD,
  OWN_AUTH,
  DATA,
  STRING_DATA,
  REVIEW,
  REQUESTED,
  EXEC_TOKEN,
  EXEC_KEY,
  PATCHED,
  LAST_APPLIED,
];

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 's',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"k":"${LAST_APPLIED}"}}` },
  },
  data: { k: DATA },
  stringData: { s: STRING_DATA },
};
const { kind: _k, apiVersion: _a, ...secretItem } = secret;

describe('credentials never appear at verbosity 9', () => {
  // Every answer echoes the request (as servers and proxies may), plus the body of its case.
  const answers: Record<string, unknown> = {
    '/api/v1/namespaces/ns/secrets': { kind: 'SecretList', items: [secretItem] },
    '/api/v1/namespaces/ns/secrets/s': secret,
    '/api/v1/namespaces/ns/configmaps': { kind: 'List', items: [secret] },
    '/apis/authentication.k8s.io/v1/tokenreviews': {
      kind: 'TokenReview',
      spec: { token: REVIEW },
      status: { authenticated: true },
    },
    '/api/v1/namespaces/ns/serviceaccounts/sa/token': { kind: 'TokenRequest', status: { token: REQUESTED } },
    '/api/v1/namespaces/ns/configmaps/exec': {
      kind: 'ExecCredential',
      status: { token: EXEC_TOKEN, clientKeyData: EXEC_KEY },
    },
  };

  it.each([
    ['a bearer token (echoed in a Status)', { bearerToken: TOKEN }],
    ['basic auth (echoed in a Status)', { username: 'admin', password: PASSWORD }],
    ['a token file (known only to the transport, echoed in a Status)', { bearerTokenFile: tokenFile() }],
  ])('%s', async (_name, creds) => {
    const s = await server((req, res) => {
      const path = req.url.split('?')[0]!;
      const answer = answers[path] ?? {
        kind: 'Status',
        message: `you sent ${req.headers.authorization} and ${req.body}`,
      };
      res.setHeader('set-cookie', `session=${TOKEN}`);
      json(res, path.endsWith('/missing') ? 404 : 200, answer);
    }, true);
    const log = collector(9);
    const rc = core(s.url, { ...creds, tls: { caData: LOOPBACK_CA }, logger: log.logger });
    const ns = () => rc.get().namespace('ns');
    await ns().resource('secrets').do();
    await ns().resource('secrets').name('s').do();
    await rc.post().namespace('ns').resource('secrets').body(secret).do();
    await rc.put().namespace('ns').resource('secrets').name('s').body(secretItem).do();
    await rc
      .patch('application/json-patch+json')
      .namespace('ns')
      .resource('secrets')
      .name('s')
      .body([{ op: 'replace', path: '/data/k', value: PATCHED }])
      .do();
    await rc
      .patch('application/merge-patch+json')
      .namespace('ns')
      .resource('secrets')
      .name('s')
      .body({ data: { k: PATCHED } })
      .do();
    await ns().resource('configmaps').do();
    await rc
      .post()
      .absPath('/apis/authentication.k8s.io/v1/tokenreviews')
      .body({ spec: { token: REVIEW } })
      .do();
    await rc.post().namespace('ns').resource('serviceaccounts').name('sa').subResource('token').body({}).do();
    await ns().resource('configmaps').name('exec').do();
    await rc.get().resource('pods').setHeader('Authorization', `Bearer ${OWN_AUTH}`).do();
    await rc.get().resource('nodes').do();
    await expect(ns().resource('configmaps').name('missing').do()).rejects.toThrow();
    const text = log.text();
    for (const secretText of ALL) expect(text).not.toContain(secretText);
    expect(text).toContain('Request Headers:');
    expect(text).toContain('Bearer <masked>');
    expect(text).toContain('Request Body:');
    expect(text).toContain('Response Body:');
    expect(text).toContain('"kind":"SecretList"');
    expect(text).toContain(`"k":"${REDACTED}"`);
    expect(text).toContain(`you sent`);
    expect(log.entries.filter((e) => e.message.startsWith('Response Body:'))).toHaveLength(13);
  });

  it('a body cut at the log bound or not JSON on a credential path is withheld, not half-redacted', () => {
    const big = JSON.stringify({ kind: 'Secret', data: { k: DATA }, pad: 'x'.repeat(MAX_LOGGED_BODY_BYTES) });
    expect(redactBody(big.slice(0, MAX_LOGGED_BODY_BYTES), '/api/v1/namespaces/ns/configmaps', false)).toMatch(
      /bytes not shown/,
    );
    expect(redactBody(`token: ${REVIEW}`, '/apis/authentication.k8s.io/v1/tokenreviews', true)).toMatch(/not shown/);
    expect(redactBody(`plain ${TOKEN} text`, '/api/v1/pods/p/log', true, [TOKEN])).toBe(`plain ${REDACTED} text`);
    expect(redactBody('\u0000\u0001k8s', '/api/v1/pods', true)).toMatch(/binary/);
  });

  it('a watch event or Table row under a secrets URL and Secret objects anywhere are redacted', () => {
    const body = JSON.stringify({ type: 'ADDED', object: secret });
    expect(redactBody(body, '/api/v1/namespaces/ns/secrets', true)).not.toContain(DATA);
    const nested = JSON.stringify({ kind: 'List', items: [{ kind: 'List', items: [secret] }] });
    expect(redactBody(nested, '/apis/x', true)).not.toContain(STRING_DATA);
  });

  it('masks credential headers and keeps the others', () => {
    expect(
      redactHeaders({ Authorization: `Basic ${PASSWORD}`, cookie: 'c', 'Proxy-Authorization': 'x', accept: 'a' }),
    ).toEqual({ Authorization: 'Basic <masked>', cookie: '<masked>', 'Proxy-Authorization': '<masked>', accept: 'a' });
  });

  it('at verbosity 8 bodies are cut to 1 KiB; at 7 only headers', async () => {
    const s = await server((_r, res) => json(res, 200, { kind: 'ConfigMap', data: { a: 'y'.repeat(4000) } }));
    const at8 = collector(8);
    const at7 = collector(7);
    await core(s.url, { logger: at8.logger }).get().resource('configmaps').do();
    await core(s.url, { logger: at7.logger }).get().resource('configmaps').do();
    const body = at8.entries.find((e) => e.message.startsWith('Response Body:'))!;
    expect(body.message.length).toBeLessThan(1200);
    expect(body.message).toMatch(/\[truncated \d+ chars\]$/);
    expect(at7.entries.map((e) => e.message.split(':')[0])).toEqual(['Request Headers', expect.stringMatching(/^GET/)]);
  });

  it('leaves watch bodies alone (streams are not recorded)', async () => {
    const s = await server((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ADDED', object: secret })}\n`);
    });
    const log = collector(9);
    const w = await core(s.url, { logger: log.logger }).get().namespace('ns').resource('secrets').watch();
    for await (const ev of w) expect(ev.type).toBe('ADDED');
    expect(log.text()).not.toContain('Response Body');
    expect(log.text()).not.toContain(DATA);
  });
});

describe('metrics hooks', () => {
  /** Hooks that record each call as `hook code/verb/host`. */
  function recorder() {
    const calls: string[] = [];
    const metrics: RestMetrics = {
      requestLatency: (e) => {
        expect(e.latencyMs).toBeGreaterThanOrEqual(0);
        calls.push(`latency ${e.verb} ${e.host} ${e.url.pathname}`);
      },
      requestResult: (e) => calls.push(`result ${e.code} ${e.verb} ${e.host}`),
      rateLimiterLatency: (e) => calls.push(`limiter ${e.verb} ${e.host}`),
      requestRetry: (e) => calls.push(`retry ${e.code} ${e.verb} ${e.host}`),
    };
    return { calls, metrics };
  }

  it('fire for each attempt: limiter wait, latency, result code, and a retry after Retry-After', async () => {
    const s = await server((_r, res, i) => (i === 0 ? json(res, 429, {}, { 'retry-after': '0' }) : json(res, 200, {})));
    const host = new URL(s.url).host;
    const global = recorder();
    setRestMetrics(global.metrics);
    await core(s.url, { qps: 100, burst: 10 }).get().resource('pods').do();
    expect(global.calls).toEqual([
      `limiter GET ${host}`,
      `latency GET ${host} /api/v1/pods`,
      `result 429 GET ${host}`,
      `retry 429 GET ${host}`,
      `limiter GET ${host}`,
      `latency GET ${host} /api/v1/pods`,
      `result 200 GET ${host}`,
    ]);
  });

  it("count an attempt without an answer as '<error>'", async () => {
    const s = await server((_r, res) => json(res, 200, {}));
    await s.close();
    const global = recorder();
    setRestMetrics(global.metrics);
    await expect(core(s.url, { maxRetries: 0 }).post().resource('pods').body({}).do()).rejects.toThrow();
    expect(global.calls).toContain(`result <error> POST ${new URL(s.url).host}`);
  });

  it("a client's own hooks win over the global ones; a throwing hook does not fail the request", async () => {
    const s = await server((_r, res) => json(res, 200, {}));
    const global = recorder();
    const own = recorder();
    setRestMetrics(global.metrics);
    await core(s.url, { metrics: own.metrics }).get().resource('pods').do();
    expect(global.calls).toEqual([]);
    expect(own.calls).toHaveLength(3);
    const failing: RestMetrics = {
      requestResult: () => {
        throw new Error('broken hook');
      },
    };
    await expect(core(s.url, { metrics: failing }).get().resource('pods').do()).resolves.toBeDefined();
  });

  it('combined hooks call each set, undefined standing for the global hooks at call time', async () => {
    const s = await server((_r, res) => json(res, 200, {}));
    const own = recorder();
    const rc = core(s.url, { metrics: combineRestMetrics(own.metrics, undefined) });
    const global = recorder();
    setRestMetrics(global.metrics);
    await rc.get().resource('pods').do();
    expect(own.calls).toHaveLength(3);
    expect(global.calls).toEqual(own.calls);
  });

  it('the prom-client adapter exports the metric names of Kubernetes components', async () => {
    const s = await server((_r, res, i) => (i === 0 ? json(res, 503, {}, { 'retry-after': '0' }) : json(res, 200, {})));
    const host = new URL(s.url).host;
    const registry = new promClient.Registry();
    setRestMetrics(promClientRestMetrics(promClient, registry));
    await core(s.url).get().resource('pods').do();
    const text = await registry.metrics();
    expect(text).toContain(`rest_client_requests_total{code="503",method="GET",host="${host}"} 1`);
    expect(text).toContain(`rest_client_requests_total{code="200",method="GET",host="${host}"} 1`);
    expect(text).toContain(`rest_client_request_retries_total{code="503",verb="GET",host="${host}"} 1`);
    expect(text).toContain(`rest_client_request_duration_seconds_count{verb="GET",host="${host}"} 2`);
    expect(text).toContain(`rest_client_rate_limiter_duration_seconds_count{verb="GET",host="${host}"} 2`);
  });
});
