// Lister and NamespaceLister over an Indexer: label-selector lists (text or Selector), namespace
// views (including NamespaceAll), live reads of the cache, and get raising a NotFound StatusError.
import { describe, expect, it } from 'vitest';
import { isNotFound, StatusError, StatusReason } from '../../../src/apimachinery/errors.js';
import { LabelSelectorParseError, parseSelector, selectorFromSet } from '../../../src/apimachinery/labels.js';
import type { KubeObject } from '../../../src/apimachinery/meta.js';
import { Lister, NamespaceLister } from '../../../src/listers/index.js';
import {
  type Indexer,
  metaNamespaceIndexFunc,
  metaNamespaceKeyFunc,
  NamespaceIndex,
  newIndexer,
} from '../../../src/tools/cache/index.js';
import { caught } from '../../support/caught.js';

const cm = (namespace: string, name: string, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name, labels },
});

const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`).sort();

function filled(withNamespaceIndex = true): Indexer<KubeObject> {
  const idx = newIndexer<KubeObject>(
    metaNamespaceKeyFunc,
    withNamespaceIndex ? { [NamespaceIndex]: metaNamespaceIndexFunc } : {},
  );
  for (const o of [
    cm('default', 'web', { app: 'web', env: 'prod' }),
    cm('default', 'web-canary', { app: 'web', env: 'prod', canary: 'true' }),
    cm('default', 'db', { app: 'db', env: 'staging' }),
    cm('default', 'bare'),
    cm('other', 'web', { app: 'web', env: 'dev' }),
    cm('other', 'cache', { app: 'cache', tier: '3' }),
  ]) {
    idx.add(o);
  }
  return idx;
}

describe('Lister.list', () => {
  const lister = new Lister(filled(), 'configmaps');

  it.each<[string, string | undefined, string[]]>([
    [
      'no selector: everything',
      undefined,
      ['default/bare', 'default/db', 'default/web', 'default/web-canary', 'other/cache', 'other/web'],
    ],
    [
      'empty text: everything',
      '',
      ['default/bare', 'default/db', 'default/web', 'default/web-canary', 'other/cache', 'other/web'],
    ],
    ['equality', 'app=web', ['default/web', 'default/web-canary', 'other/web']],
    ['two requirements are ANDed', 'app=web,env=prod', ['default/web', 'default/web-canary']],
    ['inequality matches unlabelled objects', 'app!=web', ['default/bare', 'default/db', 'other/cache']],
    ['set membership', 'env in (staging,dev)', ['default/db', 'other/web']],
    ['set exclusion', 'env notin (prod)', ['default/bare', 'default/db', 'other/cache', 'other/web']],
    ['existence', 'canary', ['default/web-canary']],
    ['absence', 'app=web,!canary', ['default/web', 'other/web']],
    ['greater than', 'tier>2', ['other/cache']],
    ['nothing matches', 'app=none', []],
  ])('%s (%j)', (_, selector, want) => {
    expect(names(lister.list(selector))).toEqual(want);
  });

  it('takes a Selector as well as its text', () => {
    expect(names(lister.list(selectorFromSet({ app: 'db' })))).toEqual(['default/db']);
    expect(names(lister.list(parseSelector('app in (cache,db)')))).toEqual(['default/db', 'other/cache']);
  });

  it('rejects a selector that does not parse', () => {
    expect(() => lister.list('app in (web')).toThrow(LabelSelectorParseError);
  });
});

describe('NamespaceLister', () => {
  const lister = new Lister(filled(), 'configmaps');

  it.each<[string, string | undefined, string[]]>([
    ['default', undefined, ['default/bare', 'default/db', 'default/web', 'default/web-canary']],
    ['default', 'app=web', ['default/web', 'default/web-canary']],
    ['other', 'app=web', ['other/web']],
    ['other', 'env', ['other/web']],
    ['empty', undefined, []],
    // NamespaceAll ('') reads every namespace, as client-go's ListAllByNamespace
    ['', 'app=web', ['default/web', 'default/web-canary', 'other/web']],
  ])('namespace(%j).list(%j)', (ns, selector, want) => {
    const nsl = lister.namespace(ns);
    expect(nsl).toBeInstanceOf(NamespaceLister);
    expect(nsl.ns).toBe(ns);
    expect(names(nsl.list(selector))).toEqual(want);
  });

  it('lists by a full scan when the indexer has no namespace index', () => {
    const plain = new Lister(filled(false), 'configmaps');
    expect(names(plain.namespace('other').list())).toEqual(['other/cache', 'other/web']);
    expect(names(plain.namespace('default').list('env=prod'))).toEqual(['default/web', 'default/web-canary']);
  });

  it('gets an object of its namespace by name', () => {
    expect(lister.namespace('other').get('web').metadata?.labels).toEqual({ app: 'web', env: 'dev' });
    expect(lister.namespace('default').get('web').metadata?.labels?.env).toBe('prod');
  });
});

describe('NotFound', () => {
  const lister = new Lister(filled(), 'configmaps');

  it.each<[string, () => unknown, string]>([
    ['a missing name', () => lister.namespace('default').get('nope'), 'nope'],
    ['a name of another namespace', () => lister.namespace('other').get('db'), 'db'],
    ['a namespaced object got without its namespace', () => lister.get('web'), 'web'],
    ['a namespace of nothing', () => lister.namespace('empty').get('web'), 'web'],
  ])('%s raises a NotFound StatusError', (_, get, name) => {
    const err = caught(get);
    expect(err).toBeInstanceOf(StatusError);
    expect(isNotFound(err)).toBe(true);
    const se = err as StatusError;
    expect(se.code).toBe(404);
    expect(se.reason).toBe(StatusReason.NotFound);
    expect(se.message).toBe(`configmaps "${name}" not found`);
    expect(se.status).toMatchObject({
      apiVersion: 'v1',
      kind: 'Status',
      status: 'Failure',
      code: 404,
      reason: 'NotFound',
      message: `configmaps "${name}" not found`,
      details: { name, kind: 'configmaps' },
    });
  });
});

describe('tryGet: undefined where get throws NotFound', () => {
  const lister = new Lister(filled(), 'configmaps');

  it.each<[string, () => KubeObject | undefined, () => KubeObject, string | undefined]>([
    [
      'a cached object',
      () => lister.namespace('default').tryGet('web'),
      () => lister.namespace('default').get('web'),
      'default/web',
    ],
    [
      'a missing name',
      () => lister.namespace('default').tryGet('nope'),
      () => lister.namespace('default').get('nope'),
      undefined,
    ],
    [
      'another namespace',
      () => lister.namespace('other').tryGet('db'),
      () => lister.namespace('other').get('db'),
      undefined,
    ],
    ['a namespaced name without namespace', () => lister.tryGet('web'), () => lister.get('web'), undefined],
  ])('%s', (_, tryGet, get, want) => {
    const found = tryGet();
    if (want === undefined) {
      expect(found).toBeUndefined();
      expect(isNotFound(caught(get))).toBe(true);
    } else {
      expect(names([found!])).toEqual([want]);
      expect(found).toBe(get());
    }
  });

  it('follows the cache: undefined once the object is deleted', () => {
    const idx = filled();
    const nsl = new Lister(idx, 'configmaps').namespace('default');
    const before = nsl.tryGet('web');
    expect(before?.metadata?.name).toBe('web');
    idx.delete(before!);
    expect(nsl.tryGet('web')).toBeUndefined();
  });
});

describe('cluster-scoped objects', () => {
  const node = (name: string, labels: Record<string, string>): KubeObject => ({
    kind: 'Node',
    metadata: { name, labels },
  });
  const idx = newIndexer<KubeObject>(metaNamespaceKeyFunc, { [NamespaceIndex]: metaNamespaceIndexFunc });
  idx.add(node('n1', { zone: 'a' }));
  idx.add(node('n2', { zone: 'b' }));
  const lister = new Lister(idx, 'nodes');

  it('gets by bare name and lists by selector', () => {
    expect(lister.resource).toBe('nodes');
    expect(lister.get('n2').metadata?.labels).toEqual({ zone: 'b' });
    expect(lister.list('zone=a').map((n) => n.metadata?.name)).toEqual(['n1']);
    expect(
      lister
        .namespace('')
        .list('zone=b')
        .map((n) => n.metadata?.name),
    ).toEqual(['n2']);
  });

  it('raises NotFound with the resource name', () => {
    expect(() => lister.get('n3')).toThrow('nodes "n3" not found');
  });

  it('tryGet finds by bare name, and gives undefined for a missing one', () => {
    expect(lister.tryGet('n1')?.metadata?.labels).toEqual({ zone: 'a' });
    expect(lister.tryGet('n3')).toBeUndefined();
  });
});

describe('a view, not a snapshot', () => {
  it('reads the cache as it is at each call and never copies the objects', () => {
    const idx = filled();
    const lister = new Lister(idx, 'configmaps');
    const nsl = lister.namespace('default');
    expect(() => nsl.get('late')).toThrow(StatusError);
    const late = cm('default', 'late', { app: 'web' });
    idx.add(late);
    expect(nsl.get('late')).toBe(late);
    expect(names(nsl.list('app=web'))).toEqual(['default/late', 'default/web', 'default/web-canary']);
    idx.update(cm('default', 'late', { app: 'db' }));
    expect(names(lister.list('app=web'))).toEqual(['default/web', 'default/web-canary', 'other/web']);
    idx.delete(cm('default', 'late'));
    expect(isNotFound(caught(() => nsl.get('late')))).toBe(true);
  });
});
