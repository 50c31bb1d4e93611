// The request log and REST metrics against the real apiserver: the per-request line (verb, URL,
// status, latency) for every call, the prom-client counters by code, method and host, and at
// verbosity 9 no credential in any line: the admin token (sent, and echoed by the server in a
// TokenReview's spec), a Secret's data as created, read and listed. kubectl -v=6 is the judge of
// which URL and status a request has.
import { spawnSync } from 'node:child_process';
import * as promClient from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/apimachinery/errors.js';
import { type Config, promClientRestMetrics, restClientFor } from '../../src/rest/index.js';
import { type LogEntry, newLogger } from '../../src/util/log/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const DATA = 'integration-secret-value-4f1c';

describe('request log and metrics against kube-apiserver', () => {
  let ns: string;
  let base: Config;
  beforeAll(async () => {
    ns = await createTestNamespace('logging');
    base = {
      host: controlPlane.url,
      bearerToken: controlPlane.adminToken,
      tls: { caData: controlPlane.caData },
      qps: -1,
    };
  });

  function client(verbosity: number, registry?: promClient.Registry) {
    const entries: LogEntry[] = [];
    const rc = restClientFor({
      ...base,
      apiPath: '/api',
      groupVersion: { group: '', version: 'v1' },
      logger: newLogger((e) => entries.push(e), { verbosity }),
      ...(registry ? { metrics: promClientRestMetrics(promClient, registry) } : {}),
    });
    return { rc, entries, text: () => entries.map((e) => e.message).join('\n') };
  }

  it('writes one line per request at verbosity 6 and counts results by code, method and host', async () => {
    const registry = new promClient.Registry();
    const { rc, entries } = client(6, registry);
    await rc
      .post()
      .namespace(ns)
      .resource('configmaps')
      .body({ metadata: { name: 'logged' }, data: { a: 'b' } })
      .do();
    await rc.get().namespace(ns).resource('configmaps').name('logged').do();
    const missing = await rc
      .get()
      .namespace(ns)
      .resource('configmaps')
      .name('missing')
      .do()
      .catch((e: unknown) => e);
    expect(isNotFound(missing)).toBe(true);
    const lines = entries.map((e) => e.message);
    const url = `${controlPlane.url}/api/v1/namespaces/${ns}/configmaps`;
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^POST ${url} 201 Created in \\d+ milliseconds$`)),
      expect.stringMatching(new RegExp(`^GET ${url}/logged 200 OK in \\d+ milliseconds$`)),
      expect.stringMatching(new RegExp(`^GET ${url}/missing 404 Not Found in \\d+ milliseconds$`)),
    ]);
    const host = new URL(controlPlane.url).host;
    const metrics = await registry.metrics();
    expect(metrics).toContain(`rest_client_requests_total{code="201",method="POST",host="${host}"} 1`);
    expect(metrics).toContain(`rest_client_requests_total{code="200",method="GET",host="${host}"} 1`);
    expect(metrics).toContain(`rest_client_requests_total{code="404",method="GET",host="${host}"} 1`);
    expect(metrics).toContain(`rest_client_request_duration_seconds_count{verb="GET",host="${host}"} 2`);
    expect(metrics).toContain(`rest_client_rate_limiter_duration_seconds_count{verb="POST",host="${host}"} 1`);
  });

  it('the line names the request kubectl -v=6 names for the same call (URL and status)', async () => {
    const { rc, entries } = client(6);
    await rc.get().namespace(ns).resource('configmaps').name('logged').do();
    const ours = entries[0]!.fields as { url: string; status: number };
    const { stderr } = spawnSync(
      'kubectl',
      ['--kubeconfig', controlPlane.kubeconfigPath, '-v=6', 'get', 'configmap', 'logged', '-n', ns, '-o', 'name'],
      { encoding: 'utf8' },
    );
    // The same request found in kubectl's stderr log, with the same status.
    const line = stderr.split('\n').find((l) => l.includes(ours.url) && /Response|OK/.test(l));
    expect(line, stderr).toBeDefined();
    expect(line).toContain(`${ours.status} OK`);
  });

  it('shows bodies at verbosity 9 with no credential in any line', async () => {
    const { rc, text, entries } = client(9);
    const secret = {
      metadata: { name: 'logged' },
      stringData: { password: DATA },
      data: { key: Buffer.from(DATA).toString('base64') },
    };
    await rc.post().namespace(ns).resource('secrets').body(secret).do();
    await rc.get().namespace(ns).resource('secrets').name('logged').do();
    await rc.get().namespace(ns).resource('secrets').do();
    // The server answers a TokenReview with its spec, token included.
    const review = await rc
      .post()
      .absPath('/apis/authentication.k8s.io/v1/tokenreviews')
      .body({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: controlPlane.adminToken } })
      .do();
    expect(review.into<{ spec: { token: string } }>().spec.token).toBe(controlPlane.adminToken);
    const all = text();
    for (const secretText of [DATA, Buffer.from(DATA).toString('base64'), controlPlane.adminToken]) {
      expect(all).not.toContain(secretText);
    }
    expect(entries.filter((e) => e.message.startsWith('Response Body:'))).toHaveLength(4);
    expect(all).toContain('"kind":"TokenReview"');
    expect(all).toMatch(/"kind":"SecretList"/);
  });
});
