// HTTPS on loopback for unit tests: a self-signed certificate for 127.0.0.1 made with the openssl
// CLI (P-256 keys: a few milliseconds), client key pairs, and a scripted HTTPS server that records
// each request (its handler may be as hostile as a test needs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Recorded } from './fake-server.js';

/** A PEM certificate and its key. */
export interface KeyPair {
  cert: string;
  key: string;
}

/**
 * A self-signed P-256 certificate; `ip` goes into the subjectAltName.
 *
 * @example
 * const { cert, key } = selfSignedCert('127.0.0.1');
 */
export function selfSignedCert(ip = '127.0.0.1', cn = ip): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'kc-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `subjectAltName=IP:${ip}`,
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'c.pem'), 'utf8'), key: readFileSync(join(dir, 'k.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A running HTTPS server. */
export interface TlsServer {
  url: string;
  /** The server certificate (use as the client's CA). */
  ca: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server on 127.0.0.1; `handler` answers each recorded request.
 *
 * @example
 * const server = await startTlsServer((req, res) => res.end('{}'));
 */
export async function startTlsServer(
  handler: (req: Recorded, res: ServerResponse, index: number) => void | Promise<void>,
  pair: KeyPair = selfSignedCert(),
): Promise<TlsServer> {
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      void handler(rec, res, requests.length - 1);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    ca: pair.cert,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
