// Exec credential plugins: the token is cached until it expires, refreshed after a 401, and keyed
// by exec config + cluster; plugin failures never leak their output.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearExecCredentialCache, ConfigError, restClientFor } from '../../../src/rest/index.js';
import { json, LOOPBACK_CA, startFakeServer } from '../../support/fake-server.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exec-plugin-'));
  clearExecCredentialCache();
});

function plugin(body: string): string {
  const path = join(dir, 'plugin.mjs');
  writeFileSync(
    path,
    `#!${process.execPath}\nimport { readFileSync, writeFileSync, existsSync } from 'node:fs';\nconst counter = ${JSON.stringify(join(dir, 'runs'))};\nconst runs = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) + 1 : 1;\nwriteFileSync(counter, String(runs));\n${body}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}
const runs = () => Number(readFileSync(join(dir, 'runs'), 'utf8'));

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

describe('exec credential plugin', () => {
  it('caches the token and refreshes it after a 401', async () => {
    const command = plugin(
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'tok-' + runs, expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));`,
    );
    const server = await startFakeServer(
      (req, res) => {
        if (req.headers.authorization === 'Bearer tok-1' && server.requests.length > 2)
          json(res, 401, { kind: 'Status', code: 401 });
        else json(res, 200, { auth: req.headers.authorization });
      },
      { tls: true },
    );
    close = server.close;
    const rc = restClientFor({
      host: server.url,
      tls: { caData: LOOPBACK_CA },
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      execProvider: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' },
    });
    expect((await rc.get().resource('pods').do()).into<{ auth: string }>().auth).toBe('Bearer tok-1');
    expect((await rc.get().resource('pods').do()).into<{ auth: string }>().auth).toBe('Bearer tok-1');
    expect(runs()).toBe(1);
    // The third request gets a 401 for tok-1: the plugin runs again and the request is resent.
    expect((await rc.get().resource('pods').do()).into<{ auth: string }>().auth).toBe('Bearer tok-2');
    expect(runs()).toBe(2);
  });

  it('reports a failing plugin without its output', async () => {
    const command = plugin(`process.stdout.write('super-secret-output'); process.exit(3);`);
    const rc = restClientFor({
      host: 'https://127.0.0.1:1',
      groupVersion: { group: '', version: 'v1' },
      execProvider: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' },
    });
    const err = await rc
      .get()
      .resource('pods')
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/exited with code 3/);
    expect((err as Error).message).not.toContain('super-secret-output');
  });

  it('shows the install hint when the command is missing', async () => {
    const rc = restClientFor({
      host: 'https://127.0.0.1:1',
      groupVersion: { group: '', version: 'v1' },
      execProvider: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: 'no-such-plugin-xyz',
        installHint: 'install it with apt',
      },
    });
    await expect(rc.get().resource('pods').do()).rejects.toThrow(/not found\ninstall it with apt/);
  });
});
