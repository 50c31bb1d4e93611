// Hostile exec credential plugins: one that floods stderr, one that hangs, one that prints without
// end, one whose output is not an ExecCredential. Each run is bounded, a hung plugin is killed on
// timeout or when every request waiting for it is aborted, and errors never quote plugin output.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, RequestAbortedError } from '../../../src/rest/errors.js';
import { clearExecCredentialCache, type ExecConfig, execCredentials } from '../../../src/rest/exec-credentials.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { closeAllTransports } from '../../../src/rest/transport.js';
import { json } from '../../support/fake-server.js';
import { type KeyPair, selfSignedCert, startTlsServer, type TlsServer } from '../../support/tls-server.js';

const V1 = 'client.authentication.k8s.io/v1';
const GOOD = JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: { token: 'plugin-token' } });

let dir: string;
let pair: KeyPair;
let server: TlsServer;
beforeAll(async () => {
  pair = selfSignedCert();
  server = await startTlsServer((req, res) => json(res, 200, { auth: req.headers.authorization }), pair);
});
afterAll(async () => {
  await server.close();
  await closeAllTransports();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'exec-hostile-'));
  clearExecCredentialCache();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** A /bin/sh plugin; `$RUN` is the run number (1, 2, ...) and its pid is written to pid.<run>. */
function plugin(body: string): string {
  const path = join(dir, 'plugin.sh');
  writeFileSync(
    path,
    `#!/bin/sh\nD=${dir}\nRUN=$(( $(cat $D/runs 2>/dev/null || echo 0) + 1 ))\necho $RUN > $D/runs\necho $$ > $D/pid.$RUN\n${body}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitDead(pidFile: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  expect(alive(pid)).toBe(false);
}

function client(exec: Partial<ExecConfig> & { command: string }, timeout?: number) {
  return restClientFor({
    host: server.url,
    groupVersion: { group: '', version: 'v1' },
    qps: -1,
    maxRetries: 0,
    timeout,
    tls: { caData: pair.cert },
    execProvider: { apiVersion: V1, interactiveMode: 'Never', ...exec },
  });
}

const get = (rc: ReturnType<typeof client>, signal?: AbortSignal) =>
  rc
    .get()
    .resource('pods')
    .signal(signal)
    .do()
    .then((r) => r.into<{ auth: string }>().auth)
    .catch((e: unknown) => e as Error);

describe('hostile exec plugins', () => {
  it('a plugin writing 2 MiB to stderr does not block; stderr is forwarded', async () => {
    let forwarded = 0;
    vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      forwarded += chunk.length;
      return true;
    }) as typeof process.stderr.write);
    const command = plugin(`head -c 2097152 /dev/zero | tr '\\0' 'e' >&2\nprintf '%s' '${GOOD}'`);
    expect(await get(client({ command }))).toBe('Bearer plugin-token');
    expect(forwarded).toBeGreaterThanOrEqual(2 * 1024 * 1024);
  });

  it('a hung plugin is killed at its time limit; the next request runs it again', async () => {
    const command = plugin(`if [ $RUN = 1 ]; then exec sleep 30; fi\nprintf '%s' '${GOOD}'`);
    const rc = client({ command, timeoutMs: 400 });
    const started = Date.now();
    const err = await get(rc);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/killed: it ran longer than 400 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitDead(join(dir, 'pid.1'));
    expect(await get(rc)).toBe('Bearer plugin-token');
  });

  it("the request's abort signal and timeout cover the plugin, which is killed when nobody waits", async () => {
    const command = plugin('exec sleep 30');
    const rc = client({ command });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 200);
    const err = await get(rc, controller.signal);
    expect(err).toBeInstanceOf(RequestAbortedError);
    await waitDead(join(dir, 'pid.1'));

    const timedOut = await get(client({ command }, 300));
    expect(timedOut).toBeInstanceOf(RequestAbortedError);
    await waitDead(join(dir, 'pid.2'));
  });

  it('one aborted caller does not kill a run that another caller still waits for', async () => {
    const command = plugin(`sleep 0.5\nprintf '%s' '${GOOD}'`);
    const exec: ExecConfig = { apiVersion: V1, command, interactiveMode: 'Never' };
    const cluster = { server: server.url };
    const aborted = AbortSignal.timeout(50);
    const [a, b] = await Promise.allSettled([
      execCredentials(exec, cluster, false, aborted),
      execCredentials(exec, cluster, false),
    ]);
    expect(a.status).toBe('rejected');
    expect(b.status === 'fulfilled' && b.value.token).toBe('plugin-token');
    expect(readFileSync(join(dir, 'runs'), 'utf8').trim()).toBe('1');
  });

  it('endless stdout is cut at 1 MiB and the plugin killed', async () => {
    const command = plugin('exec yes secret-line');
    const err = await get(client({ command }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/printed more than 1048576 bytes/);
    expect((err as Error).message).not.toContain('secret-line');
    await waitDead(join(dir, 'pid.1'));
  });

  it.each([
    ['a wrong kind', JSON.stringify({ apiVersion: V1, kind: 'tok-in-kind-SECRET', status: { token: 'SECRET' } })],
    ['a wrong apiVersion', JSON.stringify({ apiVersion: 'SECRET/v9', kind: 'ExecCredential', status: {} })],
    ['not JSON', 'SECRET not json'],
    ['JSON null', 'null'],
    [
      'a token that is not a string',
      JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: { token: ['SECRET'] } }),
    ],
  ])('output with %s is refused without being quoted', async (_name, output) => {
    const command = plugin(`printf '%s' '${output}'`);
    const err = await get(client({ command }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(`${(err as Error).message}${(err as Error).stack}`).not.toContain('SECRET');
  });
});
