// The informer-gen / lister-gen half of the CRD output: the names each kind gets, where the files
// import kube-client from, a clear error when two kinds would share a name, and the rendered
// informers and listers (that they compile and work is checked by fixtures.test.ts and the
// integration test codegen-crd.test.ts).
import { describe, expect, it } from 'vitest';
import {
  informerNames,
  informerRuntimeFor,
  renderCrdInformerIndex,
  renderCrdInformers,
  renderCrdListers,
} from '../../../src/codegen/crd-informers.js';
import { CodegenError, CrdPlanner, type CrdVersion } from '../../../src/codegen/index.js';

const STYLE = { source: 'CustomResourceDefinitions', typedPatch: true };

function version(kind: string, plural: string, namespaced = true): Omit<CrdVersion, 'schema'> {
  return {
    group: 'example.com',
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    plural,
    namespaced,
    status: false,
    scale: false,
    crdName: `${plural}.example.com`,
    source: 'test',
    fingerprint: kind,
  };
}

function plan(...versions: Array<Omit<CrdVersion, 'schema'>>) {
  const planner = new CrdPlanner();
  for (const v of versions) planner.add(v);
  return planner.groupVersions();
}

describe('informerNames', () => {
  it('names a kind as informer-gen and lister-gen do', () => {
    expect(informerNames('Widget')).toEqual({
      informer: 'WidgetInformer',
      lister: 'WidgetLister',
      namespaceLister: 'WidgetNamespaceLister',
      newLister: 'newWidgetLister',
      newInformer: 'newWidgetInformer',
    });
  });
});

describe('informerRuntimeFor', () => {
  it.each([
    ['kube-client', '../', 'kube-client/informers', 'kube-client/tools/cache'],
    ['../../src', '../', '../../../src/informers/index.js', '../../../src/tools/cache/index.js'],
    ['../../src', '', '../../src/informers/index.js', '../../src/tools/cache/index.js'],
  ])('%s from %j', (base, up, informers, cache) => {
    const r = informerRuntimeFor(base, up);
    expect(r.informers).toBe(informers);
    expect(r.cache).toBe(cache);
  });
});

describe('rendering', () => {
  const runtime = informerRuntimeFor('kube-client', '../');

  it('a namespaced kind: the factory namespace, a namespace lister, a standalone informer', () => {
    const [gv] = plan(version('Widget', 'widgets'));
    const informers = renderCrdInformers(gv!, runtime, STYLE);
    expect(informers).toContain('export class ExampleComV1Informers {');
    expect(informers).toContain('get widgets(): WidgetInformer {');
    expect(informers).toContain('this.factory.access(this.client.widgets(this.factory.namespace))');
    expect(informers).toContain('listWatchFromResource(client.widgets(namespace), tweakListOptions)');
    const listers = renderCrdListers(gv!, runtime, STYLE);
    expect(listers).toContain('export type WidgetLister = Lister<example_com_v1.Widget>;');
    expect(listers).toContain('export type WidgetNamespaceLister = NamespaceLister_<example_com_v1.Widget>;');
    expect(listers).toContain('return new Lister<example_com_v1.Widget>(indexer, "widgets");');
  });

  it('a cluster-scoped kind: no namespace anywhere', () => {
    const [gv] = plan(version('Gadget', 'gadgets', false));
    const informers = renderCrdInformers(gv!, runtime, STYLE);
    expect(informers).toContain('this.factory.access(this.client.gadgets)');
    expect(informers).toContain('listWatchFromResource(client.gadgets, tweakListOptions)');
    expect(informers).not.toContain('namespace: string');
  });

  it('the index: one getter per group version over the generated Clientset', () => {
    const gvs = plan(version('Widget', 'widgets'), { ...version('Thing', 'things'), version: 'v2' });
    const index = renderCrdInformerIndex(gvs, informerRuntimeFor('kube-client', ''), STYLE);
    expect(index).toContain("import { ExampleComV1Informers } from './informers/exampleComV1.js';");
    expect(index).toContain('get exampleComV2(): ExampleComV2Informers {');
    expect(index).toContain('export function informersFor(factory: SharedInformerFactory, clientset: Clientset)');
  });

  it('refuses two kinds whose informer or lister names would collide', () => {
    const [gv] = plan(version('Foo', 'foos'), version('FooNamespace', 'foonamespaces'));
    expect(() => renderCrdListers(gv!, runtime, STYLE)).toThrow(CodegenError);
    expect(() => renderCrdListers(gv!, runtime, STYLE)).toThrow(
      /Foo and FooNamespace \(example.com\/v1\) would both get the informer or lister name "FooNamespaceLister"/,
    );
  });
});
