// A hostile HTTPS apiserver: it echoes the Authorization header it got into Status messages,
// causes and plain-text bodies, sends endless or gzip-bombed error bodies and giant messages.
// Errors must never carry a credential that was sent, and error bodies are read only up to 1 MiB.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createGzip } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { Config } from '../../../src/rest/config.js';
import { clearExecCredentialCache } from '../../../src/rest/exec-credentials.js';
import { MAX_STATUS_MESSAGE_CHARS } from '../../../src/rest/request.js';
import { restClientFor } from '../../../src/rest/rest-client.js';
import { closeAllTransports } from '../../../src/rest/transport.js';
import type { Recorded } from '../../support/fake-server.js';
import { type KeyPair, selfSignedCert, startTlsServer, type TlsServer } from '../../support/tls-server.js';

let pair: KeyPair;
let dir: string;
const closers: Array<() => Promise<void>> = [];
beforeAll(() => {
  pair = selfSignedCert();
  dir = mkdtempSync(join(tmpdir(), 'hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await closeAllTransports();
  clearExecCredentialCache();
});

async function server(handler: (req: Recorded, res: ServerResponse) => void): Promise<TlsServer> {
  const s = await startTlsServer(handler, pair);
  closers.push(s.close);
  return s;
}

async function failure(config: Omit<Config, 'host'>, url: string): Promise<StatusError> {
  const rc = restClientFor({
    host: url,
    groupVersion: { group: '', version: 'v1' },
    qps: -1,
    maxRetries: 0,
    tls: { caData: pair.cert },
    ...config,
  });
  const err = await rc
    .get()
    .namespace('default')
    .resource('pods')
    .name('x')
    .do()
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StatusError);
  return err as StatusError;
}

/** Everything an error shows: message, stack, inspect output and JSON of its Status. */
function shown(err: StatusError): string {
  return `${err.message}\n${err.stack}\n${inspect(err, { depth: 10 })}\n${JSON.stringify(err.status)}`;
}

const echoAsStatus = (code: number) => (req: Recorded, res: ServerResponse) => {
  const auth = String(req.headers.authorization ?? '');
  const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : '';
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code,
      reason: 'Unauthorized',
      message: `bad credentials: ${auth} (${decoded}) token=${auth.split(' ')[1]}`,
      details: {
        name: auth,
        causes: [{ reason: 'FieldValueInvalid', message: `got ${auth}`, field: decoded || auth }],
      },
    }),
  );
};

function plugin(token: string): string {
  const path = join(dir, `plugin-${token}.sh`);
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } };
  writeFileSync(path, `#!/bin/sh\nprintf '%s' '${JSON.stringify(credential)}'\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('credentials echoed by a server never reach errors', () => {
  const tokenFile = () => {
    const f = join(dir, 'token');
    writeFileSync(f, 'file-token-7f3a9c\n');
    return f;
  };
  it.each<[string, () => Omit<Config, 'host'>, string[]]>([
    ['a bearer token', () => ({ bearerToken: 'bearer-secret-5d1e' }), ['bearer-secret-5d1e']],
    ['a token file', () => ({ bearerTokenFile: tokenFile() }), ['file-token-7f3a9c']],
    [
      'basic auth',
      () => ({ username: 'alice', password: 'pa"ss-w0rd!' }),
      ['pa"ss-w0rd!', 'pa\\"ss-w0rd!', Buffer.from('alice:pa"ss-w0rd!').toString('base64')],
    ],
    [
      'an exec plugin token',
      () => ({
        execProvider: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: plugin('exec-token-c0ffee'),
          interactiveMode: 'Never',
        },
      }),
      ['exec-token-c0ffee'],
    ],
  ])('%s in a 401 and a 500 Status (message, name, causes)', async (_name, config, secrets) => {
    for (const code of [401, 403, 500]) {
      const s = await server(echoAsStatus(code));
      const err = await failure(config(), s.url);
      expect(err.code).toBe(code);
      expect(err.message).toContain('bad credentials');
      for (const secret of secrets) expect(shown(err)).not.toContain(secret);
      expect(err.message).toContain('--- REDACTED ---');
    }
  });

  it('a plain-text body quoting the header is scrubbed too', async () => {
    const s = await server((req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy error for ${req.headers.authorization}`);
    });
    const err = await failure({ bearerToken: 'plain-secret-9b' }, s.url);
    expect(err.code).toBe(502);
    expect(shown(err)).not.toContain('plain-secret-9b');
    expect(err.message).toContain('proxy error for');
  });

  it("a request's own Authorization header is scrubbed as well", async () => {
    const s = await server(echoAsStatus(401));
    const rc = restClientFor({
      host: s.url,
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      tls: { caData: pair.cert },
    });
    const err = await rc
      .get()
      .resource('pods')
      .setHeader('Authorization', 'Bearer own-header-secret')
      .do()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect(shown(err as StatusError)).not.toContain('own-header-secret');
  });
});

describe('warnings', () => {
  it('a Warning header quoting the token is scrubbed before any handler sees it', async () => {
    const seen: string[] = [];
    const s = await server((req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        warning: `299 - "you sent ${req.headers.authorization}"`,
      });
      res.end('{}');
    });
    const rc = restClientFor({
      host: s.url,
      groupVersion: { group: '', version: 'v1' },
      qps: -1,
      bearerToken: 'warning-secret-1',
      tls: { caData: pair.cert },
      warningHandler: { handleWarningHeader: (_code, _agent, text) => seen.push(text) },
    });
    await rc.get().resource('pods').do();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('you sent');
    expect(seen[0]).not.toContain('warning-secret-1');
  });
});

describe('redirects', () => {
  it('are not followed: the token never reaches the other origin', async () => {
    const other = await server((_req, res) => res.end('{}'));
    const s = await server((_req, res) => {
      res.writeHead(307, { location: `${other.url}/api/v1/namespaces/default/pods/x` });
      res.end();
    });
    const err = await failure({ bearerToken: 'redirect-secret' }, s.url);
    expect(err.code).toBe(307);
    expect(other.requests).toHaveLength(0);
  });
});

describe('error bodies are bounded', () => {
  it('an endless error body: at most about 1 MiB is read, then the connection is dropped', async () => {
    let written = 0;
    const s = await server((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
    });
    const started = Date.now();
    const err = await failure({ bearerToken: 't' }, s.url);
    expect(err.code).toBe(500);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The server could push what fits in socket buffers beyond 1 MiB, but nowhere near 512 MiB.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('an endless gzip-compressed error body is inflated only up to 1 MiB', async () => {
    let compressedOut = 0;
    const s = await server((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      const gzip = createGzip({ level: 9 });
      gzip.on('data', (d: Buffer) => {
        compressedOut += d.length;
      });
      gzip.pipe(res);
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed) if (!gzip.write(chunk)) return void gzip.once('drain', pump);
      };
      res.on('close', () => gzip.destroy());
      pump();
    });
    const err = await failure({ bearerToken: 't' }, s.url);
    expect(err.code).toBe(500);
    expect(err.message.length).toBeLessThan(4096);
    expect(compressedOut).toBeGreaterThan(0);
  });

  it('a giant Status message and thousands of causes are cut', async () => {
    const s = await server((_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 422,
          reason: 'Invalid',
          message: 'm'.repeat(500_000),
          details: { causes: Array.from({ length: 5000 }, (_, i) => ({ field: `f${i}`, message: 'c'.repeat(100) })) },
        }),
      );
    });
    const err = await failure({ bearerToken: 't' }, s.url);
    expect(err.message.length).toBeLessThan(MAX_STATUS_MESSAGE_CHARS + 100);
    expect(err.status.details?.causes?.length).toBeLessThanOrEqual(1000);
    expect(err.reason).toBe('Invalid');
  });
});
