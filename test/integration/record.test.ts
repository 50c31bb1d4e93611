// The event recorder against kube-apiserver: events are created, repeats are count-patched, 10
// similar events are aggregated into one that later ones patch, and the spam filter drops past
// the burst of 25 per object.
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { newBroadcaster, sinkForClientset } from '../../src/tools/record/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const until = async (cond: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('event recorder', () => {
  it('creates, count-patches, aggregates and rate-limits events', async () => {
    const ns = await createTestNamespace('record');
    const cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
    const cm = await cs.coreV1.configMaps(ns).create({ metadata: { name: 'subject' } });
    const obj = { ...cm, apiVersion: 'v1', kind: 'ConfigMap' };
    const broadcaster = newBroadcaster({ sleepDurationMs: 50 });
    const logged: string[] = [];
    broadcaster.startLogging((l) => logged.push(l));
    broadcaster.startRecordingToSink(sinkForClientset(cs));
    const recorder = broadcaster.newRecorder({ component: 'test-controller', host: 'node-1' });
    const events = async () => (await cs.coreV1.events(ns).list()).items;

    for (let i = 0; i < 3; i++) recorder.event(obj, 'Normal', 'Synced', 'Foo synced successfully');
    await until(async () => (await events()).some((e) => e.reason === 'Synced' && e.count === 3));
    expect((await events()).filter((e) => e.reason === 'Synced')).toHaveLength(1);
    const synced = (await events()).find((e) => e.reason === 'Synced')!;
    expect(synced.involvedObject).toMatchObject({
      kind: 'ConfigMap',
      name: 'subject',
      namespace: ns,
      uid: cm.metadata?.uid,
    });
    expect(synced.source).toEqual({ component: 'test-controller', host: 'node-1' });

    for (let i = 0; i < 12; i++) recorder.eventf(obj, 'Warning', 'Failed', 'attempt %d failed: %s', i, 'boom');
    // The 10th distinct message creates a combined event; the 11th and 12th patch it.
    const combined = async () =>
      (await events()).find((e) => e.message?.startsWith('(combined from similar events): attempt'));
    await until(async () => (await combined())?.count === 3);
    expect((await combined())?.message).toBe('(combined from similar events): attempt 11 failed: boom');
    expect((await events()).filter((e) => e.reason === 'Failed')).toHaveLength(10);

    // 3 + 12 = 15 events used so far of the burst of 25 for this object: 10 more pass, the rest drop.
    for (let i = 0; i < 20; i++) recorder.event(obj, 'Normal', 'Spam', `spam ${i}`);
    await broadcaster.shutdown();
    const spam = (await events()).filter((e) => e.reason === 'Spam');
    const spamCount = spam.reduce((n, e) => n + (e.count ?? 1), 0);
    expect(spamCount).toBe(10);
    expect(logged.length).toBeGreaterThanOrEqual(35);
  }, 30_000);
});
