// runInjection (test/support/fault-injection.ts) with a recording fake proxy and control plane: an
// injection that throws, hangs or outlives its deadline leaves the proxy reset, its tools revoked and
// no kube-apiserver restart under way; the error is the injection's own.
import { describe, expect, it } from 'vitest';
import { rejection } from '../../support/caught.js';
import {
  type Inject,
  InjectionRevokedError,
  type InjectionTargets,
  InjectionTimeoutError,
  type InjectionTools,
  runInjection,
} from '../../support/fault-injection.js';
import { EtcdGatewayError } from '../../support/etcd-gateway.js';

function fakeTargets(restartMs = 0) {
  const calls: string[] = [];
  let mode = 'pass';
  let releaseStall: (() => void) | undefined;
  const restarts = { started: 0, finished: 0 };
  const targets: InjectionTargets = {
    etcdUrl: 'http://127.0.0.1:1',
    proxy: {
      setMode: (m) => {
        mode = m;
        calls.push(`mode ${m}`);
      },
      cutAll: () => void calls.push('cutAll'),
      cutWatchesMidEvent: () => void calls.push('cutWatchesMidEvent'),
      stall: (ms) =>
        new Promise<void>((r) => {
          calls.push(`stall ${ms}`);
          const t = setTimeout(r, ms);
          releaseStall = () => {
            clearTimeout(t);
            r();
          };
        }),
      reset: () => {
        mode = 'pass';
        releaseStall?.();
        releaseStall = undefined;
        calls.push('reset');
      },
    },
    restartApiserver: async () => {
      restarts.started++;
      await new Promise((r) => setTimeout(r, restartMs));
      restarts.finished++;
    },
  };
  return { targets, calls, restarts, mode: () => mode, stalled: () => releaseStall !== undefined };
}

describe('runInjection', () => {
  it('runs a fault to its end and resets the proxy afterwards', async () => {
    const f = fakeTargets();
    await runInjection(async (t) => {
      t.proxy.setMode('status429');
      t.proxy.cutAll();
      await t.sleep(10);
      t.proxy.setMode('pass');
      t.proxy.cutWatchesMidEvent();
    }, f.targets);
    expect(f.calls).toEqual(['mode status429', 'cutAll', 'mode pass', 'cutWatchesMidEvent', 'reset']);
  });

  const failing: Array<[string, Inject, (e: unknown) => void]> = [
    [
      'throws while the proxy is down (the compaction fault of issue 21)',
      async (t) => {
        t.proxy.setMode('down');
        throw new Error('spawn etcdctl ENOENT');
      },
      (e) => expect((e as Error).message).toBe('spawn etcdctl ENOENT'),
    ],
    [
      'cannot reach etcd while the proxy is down',
      async (t) => {
        t.proxy.setMode('down');
        await t.compactEtcd();
      },
      (e) => {
        expect(e).toBeInstanceOf(EtcdGatewayError);
        expect((e as Error).message).toMatch(/ECONNREFUSED/);
      },
    ],
    [
      'hangs in a stall past its deadline',
      async (t) => {
        t.proxy.setMode('status500');
        await t.proxy.stall(60_000);
      },
      (e) => {
        expect(e).toBeInstanceOf(InjectionTimeoutError);
        expect((e as Error).message).toBe('the injection did not finish within 0.2 s');
      },
    ],
  ];
  it.each(failing)(
    'an injection that %s rejects with its own cause and leaves the proxy passing',
    async (_w, inject, check) => {
      const f = fakeTargets();
      const err = await rejection(runInjection(inject, f.targets, { timeoutMs: 200 }));
      check(err);
      expect(f.mode()).toBe('pass');
      expect(f.stalled()).toBe(false);
      expect(f.calls.at(-1)).toBe('reset');
    },
  );

  it('revokes the tools: a late call after the deadline throws and changes nothing', async () => {
    const f = fakeTargets();
    let kept: InjectionTools | undefined;
    let late: unknown;
    const slow: Inject = async (t) => {
      kept = t;
      await new Promise((r) => setTimeout(r, 400)); // not t.sleep: ignores the deadline
      try {
        t.proxy.setMode('down');
      } catch (e) {
        late = e;
      }
    };
    expect(await rejection(runInjection(slow, f.targets, { timeoutMs: 100 }))).toBeInstanceOf(InjectionTimeoutError);
    expect(kept?.signal.aborted).toBe(true);
    await expect(kept!.sleep(1)).rejects.toBeInstanceOf(InjectionRevokedError);
    await new Promise((r) => setTimeout(r, 500));
    expect(late).toBeInstanceOf(InjectionRevokedError);
    expect(f.mode()).toBe('pass');
    expect(f.calls).not.toContain('mode down');
  });

  it('a sleep cut short by the deadline rejects at once instead of running on', async () => {
    const f = fakeTargets();
    const started = Date.now();
    let after = false;
    const err = await rejection(
      runInjection(
        async (t) => {
          await t.sleep(30_000);
          after = true;
        },
        f.targets,
        { timeoutMs: 100 },
      ),
    );
    expect(err).toBeInstanceOf(InjectionTimeoutError);
    await new Promise((r) => setTimeout(r, 50));
    expect(after).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('waits for a kube-apiserver restart still under way before it settles', async () => {
    const f = fakeTargets(300);
    const err = await rejection(
      runInjection(
        async (t) => {
          await t.restartApiserver({ kill: true });
        },
        f.targets,
        { timeoutMs: 50 },
      ),
    );
    expect(err).toBeInstanceOf(InjectionTimeoutError);
    expect(f.restarts).toEqual({ started: 1, finished: 1 });
  });
});
