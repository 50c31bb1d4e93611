// Connection pools are shared per TLS setting and closed once nothing uses them: an exec plugin
// that hands out a new client certificate on every run must not leave one pool per certificate.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearExecCredentialCache } from '../../../src/rest/exec-credentials.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { closeAllTransports, roundTripFor, transportPoolCount } from '../../../src/rest/transport.js';
import { json } from '../../support/fake-server.js';
import { type KeyPair, selfSignedCert, startTlsServer, type TlsServer } from '../../support/tls-server.js';

const ROTATIONS = 6;
let dir: string;
let server: TlsServer;
let pair: KeyPair;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pools-'));
  pair = selfSignedCert();
  server = await startTlsServer((req, res) => json(res, 200, { ok: true, auth: req.headers.authorization }), pair);
});
afterAll(async () => {
  await server.close();
  await closeAllTransports();
  rmSync(dir, { recursive: true, force: true });
});

describe('transport pools', () => {
  it('an exec plugin rotating client certificates keeps one pool, not one per certificate', async () => {
    clearExecCredentialCache();
    const past = new Date(Date.now() - 1000).toISOString();
    for (let run = 1; run <= ROTATIONS; run++) {
      const client = selfSignedCert('127.0.0.1', `client-${run}`);
      const credential = {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        // Already expired: every request runs the plugin again and gets the next certificate.
        status: { clientCertificateData: client.cert, clientKeyData: client.key, expirationTimestamp: past },
      };
      writeFileSync(join(dir, `cred.${run}.json`), JSON.stringify(credential));
    }
    const command = join(dir, 'plugin.sh');
    writeFileSync(
      command,
      `#!/bin/sh\nD=${dir}\nRUN=$(( $(cat $D/runs 2>/dev/null || echo 0) + 1 ))\necho $RUN > $D/runs\ncat $D/cred.$RUN.json\n`,
    );
    chmodSync(command, 0o755);
    const rc = restClientFor({
      host: server.url,
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      tls: { caData: pair.cert },
      execProvider: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' },
    });
    const before = transportPoolCount();
    for (let i = 0; i < ROTATIONS; i++) {
      expect((await rc.get().resource('pods').do()).into<{ ok: boolean }>().ok).toBe(true);
      expect(transportPoolCount() - before).toBeLessThanOrEqual(1);
    }
  });

  it('round trips with the same settings share one pool', async () => {
    await closeAllTransports();
    const a = roundTripFor({ host: server.url, tls: { caData: pair.cert } });
    const b = roundTripFor({ host: server.url, tls: { caData: pair.cert } });
    expect(transportPoolCount()).toBe(1);
    for (const rt of [a, b]) {
      const res = await rt({ method: 'GET', url: new URL(`${server.url}/x`), headers: {} });
      expect(res.status).toBe(200);
      await res.body.text();
    }
    expect(transportPoolCount()).toBe(1);
  });
});
