// The small examples beside the tutorial (examples/more), run against the control plane: a Pod
// watcher with a label selector, server-side apply with field managers, and recorded Events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../../examples/more/events.js';
import { watchPods } from '../../examples/more/pod-watcher.js';
import { applySettings, managersOf } from '../../examples/more/server-side-apply.js';
import { isConflict } from '../../src/apimachinery/errors.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import type { Config } from '../../src/rest/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const until = async (cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('examples/more', () => {
  let ns: string;
  let config: Config;
  let cs: Clientset;

  beforeAll(async () => {
    ns = await createTestNamespace('examples');
    config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
    cs = Clientset.forConfig(config);
  });

  describe('pod watcher', () => {
    const ac = new AbortController();
    const seen: string[] = [];
    let running: Promise<void>;
    afterAll(async () => {
      ac.abort();
      await running;
    });

    it('sees only the Pods its label selector matches', async () => {
      running = watchPods(config, ns, 'app=web', (what, pod) => seen.push(`${what} ${pod.metadata?.name}`), ac.signal);
      const pod = (name: string, app: string) => ({
        metadata: { name, labels: { app } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      });
      await cs.coreV1.pods(ns).create(pod('web-1', 'web'));
      await cs.coreV1.pods(ns).create(pod('db-1', 'db'));
      await until(() => seen.includes('added web-1'));
      await cs.coreV1.pods(ns).delete('web-1', { gracePeriodSeconds: 0 });
      await until(() => seen.includes('deleted web-1'));
      expect(seen.some((s) => s.endsWith('db-1'))).toBe(false);
    });
  });

  it('server-side apply: managers own their fields; taking another one’s field conflicts unless forced', async () => {
    const first = await applySettings(cs, ns, 'settings', { color: 'blue' }, 'team-a');
    expect(first.data).toEqual({ color: 'blue' });
    const both = await applySettings(cs, ns, 'settings', { size: 'L' }, 'team-b');
    expect(both.data).toEqual({ color: 'blue', size: 'L' });
    expect(managersOf(both)).toEqual(['team-a', 'team-b']);
    const err = await applySettings(cs, ns, 'settings', { color: 'red' }, 'team-b').catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
    const forced = await applySettings(cs, ns, 'settings', { color: 'red', size: 'L' }, 'team-b', true);
    expect(forced.data).toEqual({ color: 'red', size: 'L' });
  });

  it('events: three recordings of the same event count three', async () => {
    const cm = await cs.coreV1.configMaps(ns).create({ metadata: { name: 'evented' } });
    await recordEvents(cs, { apiVersion: 'v1', kind: 'ConfigMap', ...cm }, 'Checked', 'looked at it', 3);
    const events = (await cs.coreV1.events(ns).list()).items.filter(
      (e) => e.reason === 'Checked' && e.involvedObject.name === 'evented',
    );
    expect(events.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(3);
    expect(events[0].source?.component).toBe('example-events');
  });
});
