// A tiny scripted HTTP(S) server on loopback for unit tests of the REST layer: each request is
// recorded and answered by the test's handler. With `tls: true` it serves https with a fixed
// self-signed test certificate (LOOPBACK_CA) for 127.0.0.1, ::1 and localhost: kube-client sends
// configured credentials only over https.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A self-signed certificate for 127.0.0.1, ::1 and localhost (test use only; valid until 2126). */
export const LOOPBACK_CA = `-----BEGIN CERTIFICATE-----
MIIBzzCCAXSgAwIBAgIUchfxC9dmsuHlnMfpYxrnMPMDHDEwCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZa3ViZS1jbGllbnQtdGVzdC1sb29wYmFjazAgFw0yNjExMjkx
OTE5NDFaGA8yMTI2MTEwNTE5MTk0MVowJDEiMCAGA1UEAwwZa3ViZS1jbGllbnQt
dGVzdC1sb29wYmFjazBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOonwmJU9tl7
WYVGUGfFMdtQmuI7VM5YI76jnc5aXEtdWchDaBoe3WFzU1KKxvN9LFzR2favJO7K
6F8Qs1Lq5r6jgYEwfzAdBgNVHQ4EFgQU7JTIXNu2BO3gK6/yAxA6cB8rnU4wHwYD
VR0jBBgwFoAU7JTIXNu2BO3gK6/yAxA6cB8rnU4wDwYDVR0TAQH/BAUwAwEB/zAs
BgNVHREEJTAjhwR/AAABhxAAAAAAAAAAAAAAAAAAAAABgglsb2NhbGhvc3QwCgYI
KoZIzj0EAwIDSQAwRgIhAO6n1y+kTjDzaDpSJmAcKIFCirLrOEaUaa1BSuph1K1r
AiEAv7sehBABDm4NOtpMIWzs8uUPiMKL2FExzMULQuIYCr4=
-----END CERTIFICATE-----`;
/** The private key of LOOPBACK_CA (test use only). */
export const LOOPBACK_PRIVATE = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgc9CNWTmMvU0AQmbN
x7+SaHQ/Vb+LwOnqG28lQl5tGnahRANCAATqJ8JiVPbZe1mFRlBnxTHbUJriO1TO
WCO+o53OWlxLXVnIQ2gaHt1hc1NSisbzfSxc0dn2ryTuyuhfELNS6ua+
-----END PRIVATE KEY-----`;

/** A recorded request. */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Starts a server; `handler` answers each request. */
export async function startFakeServer(
  handler: (req: Recorded, res: ServerResponse, index: number) => void | Promise<void>,
  options: { tls?: boolean } = {},
): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const rec = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      void handler(rec, res, requests.length - 1);
    });
  };
  const server = options.tls
    ? createHttpsServer({ cert: LOOPBACK_CA, key: LOOPBACK_PRIVATE }, listener)
    : createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Answers with JSON. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
