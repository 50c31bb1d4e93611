// The known-state probes (test/support/known-state.ts) against scripted loopback servers: a probe
// is one bounded GET with the bearer token, waitForAnswer names what did not answer and why, and
// ensureApiserver restarts kube-apiserver only when it does not answer.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../../support/caught.js';
import { json, startFakeServer } from '../../support/fake-server.js';
import { ensureApiserver, NoAnswerError, probe, waitForAnswer } from '../../support/known-state.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const fake = async (...args: Parameters<typeof startFakeServer>) => {
  const s = await startFakeServer(...args);
  servers.push(s);
  return s;
};
const closedUrl = async () => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
};

describe('known-state probes', () => {
  it('a probe is a GET with the token: undefined on 200, the status otherwise', async () => {
    const s = await fake((req, res) => json(res, req.url === '/readyz' ? 200 : 503, {}));
    expect(await probe({ url: `${s.url}/readyz`, token: 't0k' })).toBeUndefined();
    expect(await probe({ url: `${s.url}/other`, token: 't0k' })).toBe('HTTP 503');
    expect(s.requests.map((r) => [r.method, r.headers.authorization])).toEqual([
      ['GET', 'Bearer t0k'],
      ['GET', 'Bearer t0k'],
    ]);
  });

  it('a probe names a refused connection and gives up on silence after its timeout', async () => {
    expect(await probe({ url: `${await closedUrl()}/readyz`, token: 't' })).toMatch(/ECONNREFUSED/);
    const silent = await fake(() => {});
    expect(await probe({ url: `${silent.url}/readyz`, token: 't' }, 200)).toBe('no answer within 200 ms');
  });

  it('waitForAnswer returns once the target answers, and otherwise names it and the last problem', async () => {
    const s = await fake((_req, res, i) => json(res, i < 2 ? 502 : 200, {}));
    await waitForAnswer('the server through the proxy', { url: `${s.url}/x`, token: 't' }, 10_000);
    expect(s.requests).toHaveLength(3);
    const err = await rejection(
      waitForAnswer('the server through the proxy', { url: `${await closedUrl()}/x`, token: 't' }, 300),
    );
    expect(err).toBeInstanceOf(NoAnswerError);
    expect((err as Error).message).toMatch(
      /^the server through the proxy did not answer within 0 s \(last: .*ECONNREFUSED/,
    );
  });

  it('ensureApiserver leaves a server that answers alone and restarts one that does not', async () => {
    let up = true;
    const s = await fake((_req, res) => json(res, up ? 200 : 500, {}));
    const restarts: unknown[] = [];
    const cp = {
      server: { url: s.url, caData: '', adminToken: 'a' },
      restartApiserver: async (o?: unknown) => {
        restarts.push(o);
        up = true;
      },
    };
    expect(await ensureApiserver(cp, 300)).toBe(false);
    expect(restarts).toEqual([]);
    up = false;
    expect(await ensureApiserver(cp, 300)).toBe(true);
    expect(restarts).toEqual([{ kill: true }]);
    expect(s.requests.at(-1)?.url).toBe('/readyz');
  });
});
