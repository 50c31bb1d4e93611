// WebSocket upgrades go through the same transport as every other request: TLS verification
// against the config's CA, client certificates, bearer token / token file / basic auth / exec
// plugin (refreshed after a 401), impersonation, user agent and proxies (CONNECT) — and never
// name a credential in an error.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import type { Config } from '../../../src/rest/config.js';
import { clearExecCredentialCache } from '../../../src/rest/exec-credentials.js';
import { TransportError } from '../../../src/rest/errors.js';
import { webSocketDialerFor } from '../../../src/rest/websocket.js';
import { type LogEntry, newLogger } from '../../../src/util/log/index.js';
import { type ChannelServer, startChannelServer } from '../../support/channel-server.js';
import { startSocks5Proxy } from '../../support/connect-proxy.js';

let dir: string;
let server: ChannelServer | undefined;
const pem = (name: string) => readFileSync(join(dir, name), 'utf8');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ws-transport-'));
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=test-ca',
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    'server.crt',
    '-extfile',
    'san.ext',
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
    '-subj',
    '/O=system:masters/CN=alice',
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    'client.crt',
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
  clearExecCredentialCache();
});

const accept = () => ({ accept: (ws: import('ws').WebSocket) => ws.close(1000) });

async function dialOnce(config: Config, url: string): Promise<void> {
  const { ws } = await webSocketDialerFor(config)(new URL(`${url}/api/v1/namespaces/ns/pods/p/exec?command=ls`), {
    protocols: ['v4.channel.k8s.io'],
  });
  ws.terminate();
}

describe('webSocketDialerFor', () => {
  it('verifies the server against the config CA and presents the client certificate', async () => {
    let peerCN = '';
    server = await startChannelServer(
      () => ({
        accept: (ws) => {
          const sock = (ws as unknown as { _socket: import('node:tls').TLSSocket })._socket;
          peerCN = String(sock.getPeerCertificate().subject?.CN ?? '');
          ws.close(1000);
        },
      }),
      {
        tls: {
          key: pem('server.key'),
          cert: pem('server.crt'),
          ca: pem('ca.crt'),
          requestCert: true,
          rejectUnauthorized: true,
        },
      },
    );
    await dialOnce(
      {
        host: server.url,
        tls: { caFile: join(dir, 'ca.crt'), certData: pem('client.crt'), keyFile: join(dir, 'client.key') },
      },
      server.url,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(peerCN).toBe('alice');
    // Without the CA the server is not trusted: a TransportError, not a silent insecure connection.
    const e = await dialOnce(
      { host: server.url, tls: { certData: pem('client.crt'), keyData: pem('client.key') } },
      server.url,
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as Error).message).toMatch(/self.signed|unable to verify|UNABLE_TO_VERIFY|SELF_SIGNED|certificate/i);
  });

  it('resumes its TLS session on later upgrades (one full handshake per dialer, as each forwarded connection upgrades anew)', async () => {
    const reused: boolean[] = [];
    server = await startChannelServer(
      () => ({
        accept: (ws) => {
          reused.push((ws as unknown as { _socket: import('node:tls').TLSSocket })._socket.isSessionReused());
          ws.close(1000);
        },
      }),
      { tls: { key: pem('server.key'), cert: pem('server.crt') } },
    );
    const config: Config = { host: server.url, tls: { caData: pem('ca.crt') }, bearerToken: 't' };
    const dial = webSocketDialerFor(config);
    const url = new URL(`${server.url}/api/v1/namespaces/ns/pods/p/portforward?ports=80`);
    for (let i = 0; i < 3; i++) (await dial(url, { protocols: ['v4.channel.k8s.io'] })).ws.terminate();
    // Another dialer (another config) starts with a full handshake of its own.
    (await webSocketDialerFor(config)(url, { protocols: ['v4.channel.k8s.io'] })).ws.terminate();
    await new Promise((r) => setTimeout(r, 50));
    expect(reused).toEqual([false, true, true, false]);
  });

  it('logs each upgrade as kubectl -v=6 does (101 or the refusal, with its latency) and its headers at 7, redacted', async () => {
    const entries: LogEntry[] = [];
    const logger = newLogger((e) => entries.push(e), { verbosity: 7 });
    server = await startChannelServer(
      (req) =>
        req.url.pathname.includes('/pods/missing/') ? { refuse: { status: 404, body: 'pod not found' } } : accept(),
      { tls: { key: pem('server.key'), cert: pem('server.crt') } },
    );
    const config: Config = { host: server.url, tls: { caData: pem('ca.crt') }, bearerToken: 'upgrade-token', logger };
    const dial = webSocketDialerFor(config);
    const url = (pod: string) => new URL(`${server!.url}/api/v1/namespaces/ns/pods/${pod}/portforward?ports=80`);
    (await dial(url('p'), { protocols: ['v4.channel.k8s.io'] })).ws.terminate();
    await expect(dial(url('missing'), { protocols: ['v4.channel.k8s.io'] })).rejects.toBeInstanceOf(StatusError);
    const lines = entries.map((e) => `${e.level} ${e.message}`);
    expect(lines).toEqual([
      expect.stringMatching(/^7 Request Headers: .*"authorization":"Bearer <masked>"/),
      expect.stringMatching(
        /^6 GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/ns\/pods\/p\/portforward\?ports=80 101 Switching Protocols in \d+ milliseconds$/,
      ),
      expect.stringMatching(/^7 Request Headers: /),
      expect.stringMatching(
        /^6 GET https:\/\/.*\/pods\/missing\/portforward\?ports=80 404 Not Found in \d+ milliseconds$/,
      ),
    ]);
    expect(entries[1]!.fields).toMatchObject({ status: 101, protocol: 'v4.channel.k8s.io' });
    expect(JSON.stringify(entries.map((e) => [e.message, inspect(e.fields)]))).not.toContain('upgrade-token');
  });

  it('sends the token file, impersonation and user agent; basic auth when there is no token', async () => {
    // Credentials go to TLS servers only (plain ws:// gets none: see the next test).
    server = await startChannelServer(accept, { tls: { key: pem('server.key'), cert: pem('server.crt') } });
    const tls = { caData: pem('ca.crt') };
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'from-file\n');
    await dialOnce(
      {
        host: server.url,
        tls,
        bearerToken: 'fallback',
        bearerTokenFile: tokenFile,
        userAgent: 'tester/1',
        impersonate: { userName: 'bob', uid: 'u1', extra: { 'scopes.example/x': ['a'] } },
      },
      server.url,
    );
    await dialOnce({ host: server.url, tls, username: 'user', password: 'pw' }, server.url);
    const [a, b] = server.upgrades;
    expect(a!.headers.authorization).toBe('Bearer from-file');
    expect(a!.headers['user-agent']).toBe('tester/1');
    expect(a!.headers['impersonate-user']).toBe('bob');
    expect(a!.headers['impersonate-uid']).toBe('u1');
    expect(a!.headers['impersonate-extra-scopes.example%2fx']).toBe('a');
    expect(b!.headers.authorization).toBe(`Basic ${Buffer.from('user:pw').toString('base64')}`);
    expect(b!.headers['user-agent']).toMatch(/^kube-client\//);
  });

  it('sends no credentials to a plain ws:// server (as plain http)', async () => {
    server = await startChannelServer(accept);
    const warnings: string[] = [];
    await dialOnce({ host: server.url, bearerToken: 'secret-token', logger: (l) => warnings.push(l) }, server.url);
    expect(server.upgrades[0]!.headers.authorization).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/not sending the configured credentials/);
    expect(warnings.join('\n')).not.toContain('secret-token');
  });

  it('runs the exec plugin for its token and runs it again after a 401', async () => {
    let calls = 0;
    server = await startChannelServer(
      (seen) => {
        calls++;
        return seen.headers.authorization === 'Bearer token-2'
          ? accept()
          : {
              refuse: {
                status: 401,
                body: JSON.stringify({
                  kind: 'Status',
                  status: 'Failure',
                  reason: 'Unauthorized',
                  code: 401,
                  message: 'Unauthorized',
                }),
                contentType: 'application/json',
              },
            };
      },
      { tls: { key: pem('server.key'), cert: pem('server.crt') } },
    );
    const plugin = join(dir, 'plugin.mjs');
    const counter = join(dir, 'runs');
    writeFileSync(counter, '0');
    writeFileSync(
      plugin,
      `#!${process.execPath}\nimport { readFileSync, writeFileSync } from 'node:fs';\nconst n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;\nwriteFileSync(${JSON.stringify(counter)}, String(n));\nprocess.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'token-' + n } }));\n`,
    );
    chmodSync(plugin, 0o755);
    await dialOnce(
      {
        host: server.url,
        tls: { caData: pem('ca.crt') },
        execProvider: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' },
      },
      server.url,
    );
    expect(calls).toBe(2);
    expect(readFileSync(counter, 'utf8')).toBe('2');
  });

  it('goes through an HTTP proxy with CONNECT (explicit, and from HTTPS_PROXY unless NO_PROXY matches)', async () => {
    server = await startChannelServer(accept, { tls: { key: pem('server.key'), cert: pem('server.crt') } });
    const connects: string[] = [];
    const proxy: Server = createServer();
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      connects.push(`${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
      const [host, port] = String(req.url).split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://pu:pp@127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const target = new URL(server.url);
    const tls = { caData: pem('ca.crt') };
    try {
      await dialOnce({ host: server.url, tls, proxy: proxyUrl }, server.url);
      expect(connects).toEqual([`127.0.0.1:${target.port} Basic ${Buffer.from('pu:pp').toString('base64')}`]);
      const saved = { ...process.env };
      try {
        process.env.HTTPS_PROXY = proxyUrl;
        process.env.NO_PROXY = '';
        await dialOnce({ host: server.url, tls }, server.url);
        expect(connects).toHaveLength(2);
        process.env.NO_PROXY = 'example.com,127.0.0.1';
        await dialOnce({ host: server.url, tls }, server.url);
        expect(connects).toHaveLength(2);
        process.env.NO_PROXY = '';
        await dialOnce({ host: server.url, tls, proxy: false }, server.url);
        expect(connects).toHaveLength(2);
      } finally {
        process.env = saved;
      }
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('goes through a SOCKS5 proxy (the SOCKS5 client of undici, as the HTTP pools), with credentials; a refusing one is a TransportError without them', async () => {
    server = await startChannelServer(accept, { tls: { key: pem('server.key'), cert: pem('server.crt') } });
    const tls = { caData: pem('ca.crt') };
    const socks = await startSocks5Proxy({ auth: 'bob:socks-pw' });
    try {
      await dialOnce({ host: server.url, tls, proxy: `socks5://bob:socks-pw@127.0.0.1:${socks.port}` }, server.url);
      expect(socks.targets).toEqual([new URL(server.url).host]);
      const e = await dialOnce(
        { host: server.url, tls, proxy: `socks5://bob:wrong-pw@127.0.0.1:${socks.port}` },
        server.url,
      ).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TransportError);
      for (const text of [(e as Error).message, inspect(e, { depth: 5 }), JSON.stringify(e)])
        expect(text).not.toMatch(/wrong-pw|socks-pw/);
    } finally {
      await socks.close();
    }
  });

  it('a refusal names no credentials in its message, inspect or JSON', async () => {
    server = await startChannelServer(() => ({ refuse: { status: 403, body: 'forbidden: user cannot exec' } }));
    const e = await dialOnce(
      { host: server.url, bearerToken: 'sekrit-token', username: 'u', password: 'sekrit-pw' },
      server.url,
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StatusError);
    for (const text of [(e as Error).message, inspect(e, { depth: 5 }), JSON.stringify(e)])
      expect(text).not.toMatch(/sekrit/);
  });
});
