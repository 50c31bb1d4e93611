// The fault proxy's way back to the known state (test/support/fault-proxy.ts): reset() after each
// kind of fault, a stall released early, open streams closed, and state() telling what is left.
// A loopback HTTPS upstream with a throwaway self-signed certificate (openssl, as envtest uses).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';

let dir: string;
let upstream: Server;
let proxy: FaultProxy;
let cert: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fault-proxy-test-'));
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')],
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  upstream = createServer({ key: readFileSync(join(dir, 'k.pem')), cert }, (req, res) => {
    if (req.url?.includes('watch=true')) {
      // A watch that sends one event and stays open.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED","object":{}}\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  proxy = await startFaultProxy((upstream.address() as { port: number }).port, cert);
});

afterAll(async () => {
  await proxy?.close();
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

// A fresh connection per request: a kept-alive one may be the one reset() just closed.
const get = async (path = '/api') => {
  const dispatcher = new Agent();
  try {
    const res = await request(`${proxy.url}${path}`, { dispatcher, signal: AbortSignal.timeout(5000) });
    await res.body.dump();
    return res.statusCode;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).name;
  } finally {
    dispatcher.destroy().catch(() => {});
  }
};
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('fault proxy reset and state', () => {
  it.each([
    ['down', 'UND_ERR_SOCKET'],
    ['status429', 429],
    ['status500', 500],
  ] as const)('after mode %s, reset() lets requests pass again', async (mode, whileFaulty) => {
    expect(await get()).toBe(200);
    proxy.setMode(mode);
    expect(await get()).toBe(whileFaulty);
    expect(proxy.state().mode).toBe(mode);
    proxy.reset();
    expect(proxy.state().mode).toBe('pass');
    expect(await get()).toBe(200);
  });

  it('reset() releases a stall at once: the stall resolves, held requests are closed, new ones pass', async () => {
    const started = Date.now();
    const stall = proxy.stall(60_000);
    expect(proxy.state().stalled).toBe(true);
    await expect(proxy.stall(10)).rejects.toThrow('already stalled');
    const held = get();
    await new Promise((r) => setTimeout(r, 100));
    proxy.reset();
    await stall;
    expect(await held).toBe('UND_ERR_SOCKET');
    expect(proxy.state().stalled).toBe(false);
    expect(await get()).toBe(200);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('reset() closes open streams and drops pending mid-event cuts', async () => {
    const dispatcher = new Agent();
    const res = await request(`${proxy.url}/api/v1/configmaps?watch=true`, { dispatcher });
    const closed = new Promise<void>((r) => {
      res.body.on('error', () => r());
      res.body.on('close', () => r());
    });
    res.body.resume();
    await until(() => proxy.state().streams === 1);
    proxy.cutWatchesMidEvent();
    proxy.reset();
    await closed;
    await until(() => proxy.state().connections === 0 && proxy.state().streams === 0);
    const cutBefore = proxy.stats.cutMidEvent;
    expect(await get()).toBe(200);
    expect(proxy.stats.cutMidEvent).toBe(cutBefore);
    await dispatcher.destroy();
  });
});
