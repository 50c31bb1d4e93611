// The events.k8s.io/v1 recorder against kube-apiserver: an isomorphic event repeated becomes one
// Event with an EventSeries, written at the first repeat (count 2) and with its final count at
// shutdown; a different action makes a new Event.
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { EventsV1Recorder, sinkForEventsV1 } from '../../src/tools/events/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

describe('events.k8s.io/v1 recorder', () => {
  it('turns repeats into an EventSeries', async () => {
    const ns = await createTestNamespace('events');
    const cs = Clientset.forConfig({ ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 });
    const cm = {
      ...(await cs.coreV1.configMaps(ns).create({ metadata: { name: 'subject' } })),
      apiVersion: 'v1',
      kind: 'ConfigMap',
    };
    const recorder = new EventsV1Recorder(sinkForEventsV1(cs), 'test-controller', 'instance-1');
    for (let i = 0; i < 4; i++)
      recorder.eventf(cm, undefined, 'Normal', 'Synced', 'Reconcile', 'synced %s (%d)', 'subject', i);
    recorder.eventf(cm, undefined, 'Warning', 'Failed', 'Delete', 'could not delete');
    const seriesCount = async () =>
      (await cs.eventsV1.events(ns).list()).items.find((e) => e.reason === 'Synced')?.series?.count;
    for (let i = 0; i < 200 && (await seriesCount()) !== 2; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200));
    expect(await seriesCount()).toBe(2); // the 3rd and 4th are counted, not written yet
    await recorder.shutdown();
    const events = (await cs.eventsV1.events(ns).list()).items;
    const synced = events.filter((e) => e.reason === 'Synced');
    expect(synced).toHaveLength(1);
    expect(synced[0]!.series?.count).toBe(4);
    expect(synced[0]!.reportingController).toBe('test-controller');
    expect(synced[0]!.regarding?.name).toBe('subject');
    expect(events.filter((e) => e.reason === 'Failed')).toHaveLength(1);
  });
});
