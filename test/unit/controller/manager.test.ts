// The Manager and Controller over the fake clientset: primary, owned and mapped sources, predicates,
// reconcile results (done, requeue, requeueAfter), thrown Errors and non-Error values requeued with
// backoff and counted, a throwing map function counted without stopping anything, concurrency,
// the cached reader, a drained shutdown, probes and prom-client metrics, and leader election.
import * as promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/apimachinery/meta.js';
import {
  ControllerError,
  generationChanged,
  Manager,
  type ManagerOptions,
  type Reconciler,
  type Request,
  requeue,
  requeueAfter,
} from '../../../src/controller/index.js';
import { newSimpleClientset } from '../../../src/fake/index.js';
import { ItemExponentialFailureRateLimiter } from '../../../src/util/workqueue/index.js';
import { caught } from '../../support/caught.js';

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const cm = (name: string, extra: Partial<KubeObject> & { data?: Record<string, string> } = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  ...extra,
  metadata: { name, namespace: 'ns', ...extra.metadata },
});

function setup(options: Partial<ManagerOptions> = {}, ...objects: KubeObject[]) {
  const { api } = newSimpleClientset(...objects);
  const logs: string[] = [];
  const mgr = new Manager({
    config: api.config(),
    log: (l) => logs.push(l),
    promClient: false,
    ...options,
  });
  const ac = new AbortController();
  const fast = new ItemExponentialFailureRateLimiter<string>(5, 50);
  return { api, mgr, logs, ac, fast, cms: mgr.clientset.coreV1.configMaps('ns') };
}

const key = (r: Request) => `${r.namespace}/${r.name}`;

describe('Manager and Controller', () => {
  it('reconciles primary objects, owned objects by their controller owner, and mapped watches', async () => {
    const { mgr, ac, cms } = setup({}, cm('a'), cm('b'));
    const seen: string[] = [];
    mgr
      .controller('cms')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .owns(mgr.clientset.coreV1.secrets('ns'))
      .watches(mgr.clientset.coreV1.services('ns'), (svc) => [
        { namespace: 'ns', name: svc.metadata?.labels?.target ?? '' },
      ])
      .complete((req) => {
        seen.push(key(req));
        return undefined;
      });
    const running = mgr.start(ac.signal);
    await until(() => seen.includes('ns/a') && seen.includes('ns/b'));
    const a = await cms.get('a');
    seen.length = 0;
    await mgr.clientset.coreV1.secrets('ns').create({
      metadata: {
        name: 's',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: a.metadata!.uid!, controller: true }],
      },
    });
    await mgr.clientset.coreV1.secrets('ns').create({
      metadata: {
        name: 'not-ours',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: 'x', controller: true }],
      },
    });
    await mgr.clientset.coreV1.services('ns').create({ metadata: { name: 'svc', labels: { target: 'b' } } });
    await until(() => seen.includes('ns/a') && seen.includes('ns/b'));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.sort()).toEqual(['ns/a', 'ns/b']);
    ac.abort();
    await running;
  });

  it('requeues thrown Errors and non-Error values with backoff, counts and logs them, and keeps working', async () => {
    const { mgr, ac, logs, fast } = setup({}, cm('bad'), cm('worse'), cm('good'));
    const calls = new Map<string, number>();
    const reconcile: Reconciler = (req) => {
      const n = (calls.get(req.name) ?? 0) + 1;
      calls.set(req.name, n);
      if (req.name === 'bad' && n < 3) throw new Error('transient');
      if (req.name === 'worse' && n < 3) throw 'a string'; // eslint-style: reconcilers may throw anything
      return undefined;
    };
    const ctl = mgr
      .controller('flaky')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .withOptions({ rateLimiter: fast })
      .complete(reconcile);
    const running = mgr.start(ac.signal);
    await until(() => calls.get('bad') === 3 && calls.get('worse') === 3 && calls.get('good') === 1);
    expect(ctl.stats.errors).toBe(4);
    expect(ctl.numRequeues({ namespace: 'ns', name: 'bad' })).toBe(0); // forgotten after success
    expect(logs.some((l) => l.includes('reconcile ns/bad failed') && l.includes('transient'))).toBe(true);
    expect(logs.some((l) => l.includes('non-Error value thrown: a string'))).toBe(true);
    ac.abort();
    await running;
  });

  it('honours requeue() and requeueAfter(ms)', async () => {
    const { mgr, ac, fast } = setup({}, cm('again'), cm('later'));
    const times = new Map<string, number[]>();
    mgr
      .controller('results')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .withOptions({ rateLimiter: fast })
      .complete((req) => {
        const t = times.get(req.name) ?? [];
        t.push(Date.now());
        times.set(req.name, t);
        if (t.length >= 3) return undefined;
        return req.name === 'again' ? requeue() : requeueAfter(150);
      });
    const running = mgr.start(ac.signal);
    await until(() => (times.get('again')?.length ?? 0) >= 3 && (times.get('later')?.length ?? 0) >= 3);
    const later = times.get('later')!;
    expect(later[1] - later[0]).toBeGreaterThanOrEqual(140);
    await new Promise((r) => setTimeout(r, 250));
    expect(times.get('later')?.length).toBe(3);
    ac.abort();
    await running;
  });

  it('a throwing map function or predicate is counted and logged, never a dead controller', async () => {
    const { mgr, ac, logs, cms } = setup({}, cm('a'));
    const seen: string[] = [];
    const ctl = mgr
      .controller('mapper')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .watches(mgr.clientset.coreV1.secrets('ns'), (s) => {
        if (s.metadata?.name === 'boom') throw { not: 'an error' };
        return [{ namespace: 'ns', name: 'a' }];
      })
      .watches(mgr.clientset.coreV1.services('ns'), () => [], {
        predicates: [
          {
            create: () => {
              throw new Error('predicate broke');
            },
          },
        ],
      })
      .complete((req) => {
        seen.push(req.name);
        return undefined;
      });
    const running = mgr.start(ac.signal);
    await until(() => seen.length === 1);
    await mgr.clientset.coreV1.secrets('ns').create({ metadata: { name: 'boom' } });
    await mgr.clientset.coreV1.services('ns').create({ metadata: { name: 'svc' } });
    await until(() => ctl.stats.mapErrors === 2);
    expect(logs.filter((l) => l.includes('map function failed')).length).toBe(2);
    await mgr.clientset.coreV1.secrets('ns').create({ metadata: { name: 'fine' } });
    await cms.update({ ...(await cms.get('a')), data: { x: '1' } });
    await until(() => seen.length >= 2);
    ac.abort();
    await running;
  });

  it('predicates filter events: generationChanged drops updates that keep the generation', async () => {
    const { mgr, ac, cms } = setup({}, cm('a', { metadata: { generation: 1 } as never }));
    const seen: string[] = [];
    mgr
      .controller('gen')
      .for(mgr.clientset.coreV1.configMaps('ns'), { predicates: [generationChanged()] })
      .complete((req) => {
        seen.push(req.name);
        return undefined;
      });
    const running = mgr.start(ac.signal);
    await until(() => seen.length === 1);
    const a = await cms.get('a');
    await cms.update({ ...a, data: { status: 'only' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(1);
    await cms.update({
      ...(await cms.get('a')),
      metadata: { ...a.metadata, resourceVersion: undefined, generation: 2 },
    });
    await until(() => seen.length === 2);
    ac.abort();
    await running;
  });

  it('runs up to maxConcurrentReconciles at once, one object never twice at once', async () => {
    const objs = Array.from({ length: 8 }, (_, i) => cm(`c${i}`));
    const { mgr, ac } = setup({}, ...objs);
    let active = 0;
    let peak = 0;
    let finished = 0;
    mgr
      .controller('parallel')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .withOptions({ maxConcurrentReconciles: 3 })
      .complete(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
        finished++;
        return undefined;
      });
    const running = mgr.start(ac.signal);
    await until(() => finished === 8);
    expect(peak).toBe(3);
    ac.abort();
    await running;
  });

  it('reads typed copies from the cache', async () => {
    const { mgr, ac } = setup({}, cm('a', { data: { k: 'v' } }), cm('b'));
    const reader = mgr.reader(mgr.clientset.coreV1.configMaps('ns'));
    let got: { data?: Record<string, string> } | undefined;
    let listed = 0;
    mgr
      .controller('reader')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .complete(async (req) => {
        if (req.name !== 'a') return undefined;
        const obj = await reader.get(req);
        got = obj;
        if (obj?.data) obj.data.k = 'changed by the reconciler';
        listed = (await reader.list({ namespace: 'ns' })).length;
        return undefined;
      });
    const running = mgr.start(ac.signal);
    await until(() => listed === 2);
    expect(got?.data?.k).toBe('changed by the reconciler');
    expect((await reader.get({ namespace: 'ns', name: 'a' }))?.data?.k).toBe('v');
    expect(await reader.get({ namespace: 'ns', name: 'missing' })).toBeUndefined();
    ac.abort();
    await running;
  });

  it('drains on shutdown: in-flight and queued reconciles finish before start() resolves', async () => {
    const objs = Array.from({ length: 4 }, (_, i) => cm(`c${i}`));
    const { mgr, ac } = setup({}, ...objs);
    let started = 0;
    let finished = 0;
    let aborted = 0;
    mgr
      .controller('drain')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .complete(async (_req, signal) => {
        started++;
        await new Promise((r) => setTimeout(r, 40));
        if (signal.aborted) aborted++;
        finished++;
        return undefined;
      });
    const running = mgr.start(ac.signal);
    await until(() => started === 1);
    ac.abort();
    await running;
    expect(finished).toBe(started);
    expect(aborted).toBe(0);
  });

  it('aborts reconciles that outlive the graceful shutdown timeout', async () => {
    const { mgr, ac } = setup({ gracefulShutdownTimeoutMs: 50 }, cm('slow'));
    let sawAbort = false;
    let started = false;
    mgr
      .controller('slow')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .complete(
        (_req, signal) =>
          new Promise((resolve) => {
            started = true;
            signal.addEventListener('abort', () => {
              sawAbort = true;
              resolve(undefined);
            });
          }),
      );
    const running = mgr.start(ac.signal);
    await until(() => started);
    ac.abort();
    await running;
    expect(sawAbort).toBe(true);
  });

  it('abandons a reconcile that ignores its signal after the grace period, instead of hanging', async () => {
    const { mgr, ac, logs } = setup({ gracefulShutdownTimeoutMs: 30 }, cm('stuck'));
    let started = false;
    mgr
      .controller('stuck')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .complete(() => {
        started = true;
        return new Promise(() => {}); // never settles, ignores the signal
      });
    const running = mgr.start(ac.signal);
    await until(() => started);
    ac.abort();
    await running;
    expect(logs.some((l) => l.includes('ignored their signal; abandoned'))).toBe(true);
  });

  it('serves /healthz, /readyz and prom-client metrics with reconcile, work queue and REST client series', async () => {
    promClient.register.clear();
    const { mgr, ac } = setup({ promClient, probePort: 0 }, cm('a'));
    let reconciled = 0;
    mgr
      .controller('metered')
      .for(mgr.clientset.coreV1.configMaps('ns'))
      .complete(() => {
        reconciled++;
        if (reconciled === 1) throw new Error('first try fails');
        return undefined;
      });
    const running = mgr.start(ac.signal);
    await until(() => reconciled >= 2 && mgr.probePort() !== undefined);
    const base = `http://127.0.0.1:${mgr.probePort()}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, 'ok\n']);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="metered",result="success"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="metered",result="error"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_errors_total\{controller="metered"\} 1/);
    expect(text).toMatch(/controller_runtime_reconcile_time_seconds_count\{controller="metered"\} 2/);
    expect(text).toMatch(/workqueue_adds_total\{name="metered"\} \d+/);
    expect(text).toMatch(/workqueue_retries_total\{name="metered"\} 1/);
    expect(text).toMatch(/rest_client_requests_total\{code="200",method="GET",host="fake.kube-client.invalid"\} \d+/);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    ac.abort();
    await running;
  });

  it('reports not ready until the caches have synced', async () => {
    const { mgr, ac } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // Hold every list until released: the cache cannot sync.
    const config = mgr.config;
    const held = new Manager({
      config: {
        ...config,
        middleware: [
          async (req, next) => {
            if (!req.url.searchParams.has('watch')) await gate;
            return next(req);
          },
          ...(config.middleware ?? []),
        ],
      },
      promClient: false,
      probePort: 0,
      log: () => {},
    });
    held
      .controller('held')
      .for(held.clientset.coreV1.configMaps('ns'))
      .complete(() => undefined);
    const running = held.start(ac.signal);
    await until(() => held.probePort() !== undefined);
    const res = await fetch(`http://127.0.0.1:${held.probePort()}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('[-]informers failed: caches not synced');
    release();
    await until(() => held.cache.hasSynced());
    expect((await fetch(`http://127.0.0.1:${held.probePort()}/readyz`)).status).toBe(200);
    ac.abort();
    await running;
  });

  it('with leader election, only the leader reconciles; the standby takes over when it stops', async () => {
    const { api } = newSimpleClientset(cm('a'));
    const make = (identity: string, seen: string[]) => {
      const mgr = new Manager({
        config: api.config(),
        promClient: false,
        log: () => {},
        leaderElection: {
          name: 'le-test',
          namespace: 'ns',
          identity,
          leaseDurationMs: 1500,
          renewDeadlineMs: 1000,
          retryPeriodMs: 100,
        },
      });
      mgr
        .controller('le')
        .for(mgr.clientset.coreV1.configMaps('ns'))
        .complete((req) => {
          seen.push(req.name);
          return undefined;
        });
      return mgr;
    };
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = make('a', seenA);
    const acA = new AbortController();
    const runA = a.start(acA.signal);
    await until(() => seenA.length === 1);
    const b = make('b', seenB);
    const acB = new AbortController();
    const runB = b.start(acB.signal);
    await until(() => b.leader() === 'a');
    await new Promise((r) => setTimeout(r, 300));
    expect(seenB).toEqual([]);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    acA.abort();
    await runA;
    await until(() => seenB.length === 1, 5000);
    expect(b.isLeader()).toBe(true);
    acB.abort();
    await runB;
  });

  it('a cache read before the manager runs is a ControllerError, not a hang', async () => {
    const { mgr } = setup({}, cm('a'));
    const err = await mgr
      .reader(mgr.clientset.coreV1.configMaps('ns'))
      .get({ namespace: 'ns', name: 'a' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControllerError);
    expect((err as Error).message).toMatch(/not started/);
  });

  it('refuses misuse with ControllerError', () => {
    const { mgr } = setup();
    expect(caught(() => mgr.controller('x').complete(() => undefined))).toBeInstanceOf(ControllerError);
    const b = mgr.controller('y').for(mgr.clientset.coreV1.configMaps());
    b.complete(() => undefined);
    expect(caught(() => b.complete(() => undefined))).toBeInstanceOf(ControllerError);
    expect(caught(() => mgr.controller('y'))).toBeInstanceOf(ControllerError);
    expect(caught(() => new Manager(undefined as never))).toBeInstanceOf(ControllerError);
    // owns() needs the primary kind, which a dynamic client does not know
    const dynamicLike = {
      ...mgr.clientset.coreV1.configMaps(),
      descriptor: { group: 'x', version: 'v1', resource: 'foos', kind: '', namespaced: true },
    };
    const err = caught(() =>
      mgr
        .controller('z')
        .for(dynamicLike as never)
        .owns(mgr.clientset.coreV1.secrets())
        .complete(() => undefined),
    );
    expect(err).toBeInstanceOf(ControllerError);
    expect((err as Error).message).toMatch(/has no kind/);
  });
});
