// The metadata client and metadata/dynamic informer factories against kube-apiserver: lists,
// gets and watches carry metadata only.
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { DynamicClient } from '../../src/dynamic/index.js';
import { SharedInformerFactory } from '../../src/informers/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import { MetadataClient } from '../../src/metadata/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const SECRETS = { group: '', version: 'v1', resource: 'secrets' };

describe('metadata client', () => {
  it('gets, lists and watches PartialObjectMetadata only', async () => {
    const ns = await createTestNamespace('metadata');
    const config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
    await Clientset.forConfig(config)
      .coreV1.secrets(ns)
      .create({ metadata: { name: 's1', labels: { a: 'b' } }, stringData: { password: 'hunter2' } });
    const secrets = MetadataClient.forConfig(config).resource(SECRETS).namespace(ns);
    const one = await secrets.get('s1');
    expect(one.kind).toBe('PartialObjectMetadata');
    expect(one.metadata?.labels).toEqual({ a: 'b' });
    expect('data' in one).toBe(false);
    expect(JSON.stringify(one)).not.toContain(Buffer.from('hunter2').toString('base64'));
    const list = await secrets.list();
    expect(list.kind).toBe('PartialObjectMetadataList');
    expect(list.items.map((s) => s.metadata?.name)).toContain('s1');

    const ac = new AbortController();
    const mdFactory = SharedInformerFactory.forResources(MetadataClient.forConfig(config), { namespace: ns });
    const dynFactory = SharedInformerFactory.forResources(DynamicClient.forConfig(config), { namespace: ns });
    const mdSecrets = mdFactory.forResource(SECRETS);
    const dynSecrets = dynFactory.forResource(SECRETS);
    mdSecrets.informer();
    dynSecrets.informer();
    mdFactory.start(ac.signal);
    dynFactory.start(ac.signal);
    await mdFactory.waitForCacheSync(ac.signal);
    await dynFactory.waitForCacheSync(ac.signal);
    const md = mdSecrets.lister().namespace(ns).get('s1');
    expect(md.kind).toBe('PartialObjectMetadata');
    expect((dynSecrets.lister().namespace(ns).get('s1') as { data?: Record<string, string> }).data?.password).toBe(
      Buffer.from('hunter2').toString('base64'),
    );
    ac.abort();
    await Promise.all([mdFactory.shutdown(), dynFactory.shutdown()]);
  });
});
