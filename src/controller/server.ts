// The manager's HTTP endpoint (node:http, loopback by default): /metrics (Prometheus text),
// /healthz (liveness) and /readyz (readiness), each check listed in verbose form on failure.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A named check: returns nothing when fine, or an Error / message when not. */
export type Check = () => Error | string | undefined | Promise<Error | string | undefined>;

/** What the server serves. */
export interface ProbeSources {
  healthChecks: Map<string, Check>;
  readyChecks: Map<string, Check>;
  scrape?: () => Promise<{ contentType: string; body: string }>;
}

async function runChecks(checks: Map<string, Check>): Promise<{ ok: boolean; text: string }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of checks) {
    let failure: Error | string | undefined;
    try {
      failure = await check();
    } catch (err) {
      failure = err instanceof Error ? err : String(err);
    }
    if (failure) {
      ok = false;
      lines.push(`[-]${name} failed: ${failure instanceof Error ? failure.message : failure}`);
    } else lines.push(`[+]${name} ok`);
  }
  return { ok, text: ok ? 'ok\n' : `${lines.join('\n')}\n${'healthz'} check failed\n` };
}

/**
 * Starts the endpoint; resolves with the server once listening.
 *
 * @example
 * const server = await startProbeServer({ healthChecks, readyChecks }, 8081, '127.0.0.1');
 */
export function startProbeServer(sources: ProbeSources, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type, 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
      if (path === '/healthz' || path === '/livez' || path === '/readyz') {
        const r = await runChecks(path === '/readyz' ? sources.readyChecks : sources.healthChecks);
        return reply(r.ok ? 200 : 503, r.ok ? r.text : r.text.replace('healthz', path.slice(1)));
      }
      if (path === '/metrics') {
        if (!sources.scrape) return reply(503, 'metrics are off: install prom-client (npm i prom-client)\n');
        const m = await sources.scrape();
        return reply(200, m.body, m.contentType);
      }
      return reply(404, 'not found\n');
    })().catch((err: unknown) => reply(500, `${err instanceof Error ? err.message : String(err)}\n`));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The port a server listens on. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}
