// Credentials never travel over plain http: to an http:// server the configured token, token file,
// basic auth and exec plugin are withheld (as client-go's clientcmd does), with one warning through
// the logger per logger and server, never naming a secret; the same config sends them over https.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/rest/config.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { json, LOOPBACK_CA, startFakeServer } from '../../support/fake-server.js';

const SECRET = 'tok-8c1f0e-secret';
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

/** Sends `n` GETs with `creds` to a fresh server and returns the Authorization headers and log lines. */
async function authorizationSent(creds: Partial<Config>, tls: boolean, n = 2) {
  const server = await startFakeServer((_r, res) => json(res, 200, { kind: 'PodList', items: [] }), { tls });
  closers.push(server.close);
  const lines: string[] = [];
  const rc = restClientFor({
    host: server.url,
    groupVersion: { group: '', version: 'v1' },
    qps: -1,
    proxy: false,
    logger: (l) => lines.push(l),
    ...(tls ? { tls: { caData: LOOPBACK_CA } } : {}),
    ...creds,
  });
  for (let i = 0; i < n; i++) await rc.get().resource('pods').do();
  return { headers: server.requests.map((r) => r.headers.authorization), lines, url: server.url };
}

const tokenFile = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'plain-http-')), 'token');
  writeFileSync(file, SECRET);
  return file;
};
const plugin = {
  apiVersion: 'client.authentication.k8s.io/v1' as const,
  command: process.execPath,
  args: [
    '-e',
    `process.stdout.write(JSON.stringify({apiVersion:'client.authentication.k8s.io/v1',kind:'ExecCredential',status:{token:'${SECRET}'}}))`,
  ],
  interactiveMode: 'Never' as const,
};

describe('credentials over plain http', () => {
  it.each([
    ['a bearer token', () => ({ bearerToken: SECRET }), `Bearer ${SECRET}`],
    ['a token file', () => ({ bearerTokenFile: tokenFile() }), `Bearer ${SECRET}`],
    [
      'basic auth',
      () => ({ username: 'admin', password: SECRET }),
      `Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`,
    ],
    ['an exec plugin', () => ({ execProvider: plugin }), `Bearer ${SECRET}`],
  ])('withholds %s from an http:// server, with one warning', async (_name, creds, header) => {
    const plain = await authorizationSent(creds(), false);
    expect(plain.headers).toEqual([undefined, undefined]);
    expect(plain.lines).toHaveLength(1);
    expect(plain.lines[0]).toContain(plain.url);
    expect(plain.lines[0]).toContain('plain http');
    expect(plain.lines.join('\n')).not.toContain(SECRET);
    const secure = await authorizationSent(creds(), true);
    expect(secure.headers).toEqual([header, header]);
    expect(secure.lines).toEqual([]);
  });

  it('says nothing when there are no credentials, and keeps a request’s own Authorization header', async () => {
    expect((await authorizationSent({}, false)).lines).toEqual([]);
    const server = await startFakeServer((_r, res) => json(res, 200, {}));
    closers.push(server.close);
    const rc = restClientFor({ host: server.url, groupVersion: { group: '', version: 'v1' }, qps: -1, proxy: false });
    await rc.get().resource('pods').setHeader('Authorization', 'Bearer explicit').do();
    expect(server.requests[0]!.headers.authorization).toBe('Bearer explicit');
  });
});
