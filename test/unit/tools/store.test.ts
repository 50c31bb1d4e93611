// Store/Indexer and DeltaFIFO rules from client-go's store_test.go, index_test.go and
// delta_fifo_test.go, in table form.
import { describe, expect, it } from 'vitest';
import {
  type Delta,
  DeletedFinalStateUnknown,
  DeltaFIFO,
  dedupDeltas,
  metaNamespaceIndexFunc,
  metaNamespaceKeyFunc,
  NamespaceIndex,
  newIndexer,
  RequeueError,
  splitMetaNamespaceKey,
} from '../../../src/tools/cache/index.js';

const obj = (name: string, ns = 'default', rv = '1', labels: Record<string, string> = {}) => ({
  metadata: { name, namespace: ns, resourceVersion: rv, labels },
});
type Obj = ReturnType<typeof obj>;

describe('keys', () => {
  it.each([
    [obj('a'), 'default/a'],
    [{ metadata: { name: 'node-1' } }, 'node-1'],
    ['already/a-key', 'already/a-key'],
  ])('metaNamespaceKeyFunc(%j) = %s', (o, key) => expect(metaNamespaceKeyFunc(o)).toBe(key));
  it('rejects objects without a name and keys with two slashes', () => {
    expect(() => metaNamespaceKeyFunc({ metadata: {} })).toThrow(/no meta/);
    expect(() => splitMetaNamespaceKey('a/b/c')).toThrow(/unexpected key/);
    expect(splitMetaNamespaceKey('ns/n')).toEqual({ namespace: 'ns', name: 'n' });
  });
});

describe('Indexer', () => {
  const byApp = (o: unknown) => [((o as Obj).metadata.labels.app as string) ?? ''];
  it('keeps indexes right across add, update and delete', () => {
    const idx = newIndexer<Obj>(metaNamespaceKeyFunc, { [NamespaceIndex]: metaNamespaceIndexFunc, app: byApp });
    idx.add(obj('a', 'ns1', '1', { app: 'web' }));
    idx.add(obj('b', 'ns1', '1', { app: 'db' }));
    idx.add(obj('c', 'ns2', '1', { app: 'web' }));
    expect(
      idx
        .byIndex('app', 'web')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(idx.indexKeys(NamespaceIndex, 'ns1').sort()).toEqual(['ns1/a', 'ns1/b']);
    idx.update(obj('a', 'ns1', '2', { app: 'db' }));
    expect(idx.byIndex('app', 'web').map((o) => o.metadata.name)).toEqual(['c']);
    expect(idx.index('app', obj('x', 'ns9', '1', { app: 'db' })).length).toBe(2);
    idx.delete(obj('c', 'ns2'));
    expect(idx.listIndexFuncValues('app')).toEqual(['db']);
    expect(idx.listIndexFuncValues(NamespaceIndex)).toEqual(['ns1']);
    expect(() => idx.byIndex('nope', 'x')).toThrow(/does not exist/);
    expect(() => idx.addIndexers({ late: byApp })).toThrow(/running index/);
    idx.replace([obj('z', 'ns3')], '5');
    expect(idx.listKeys()).toEqual(['ns3/z']);
    expect(idx.indexKeys(NamespaceIndex, 'ns1')).toEqual([]);
  });
});

describe('DeltaFIFO', () => {
  const types = (d: Delta<Obj>[]) => d.map((x) => x.type);

  it('accumulates deltas per key in FIFO order of keys', async () => {
    const f = new DeltaFIFO<Obj>();
    f.add(obj('a'));
    f.add(obj('b'));
    f.update(obj('a', 'default', '2'));
    expect(types(await f.pop(() => {}))).toEqual(['Added', 'Updated']);
    expect(types(await f.pop(() => {}))).toEqual(['Added']);
  });

  it.each<[string, Delta<Obj>[], string[]]>([
    [
      'two deletes collapse into one',
      [
        { type: 'Deleted', object: obj('a') },
        { type: 'Deleted', object: obj('a') },
      ],
      ['Deleted'],
    ],
    [
      'the real object wins over a tombstone',
      [
        { type: 'Deleted', object: obj('a') },
        { type: 'Deleted', object: new DeletedFinalStateUnknown('default/a', obj('a')) },
      ],
      ['Deleted:real'],
    ],
    [
      'add then delete stays',
      [
        { type: 'Added', object: obj('a') },
        { type: 'Deleted', object: obj('a') },
      ],
      ['Added', 'Deleted'],
    ],
  ])('dedup: %s', (_n, input, out) => {
    const got = dedupDeltas(input).map((d) =>
      d.object instanceof DeletedFinalStateUnknown || out[0] !== 'Deleted:real' ? d.type : `${d.type}:real`,
    );
    expect(got).toEqual(out);
  });

  it('ignores deletes of unknown objects and reports missing ones as DeletedFinalStateUnknown on Replace', async () => {
    const known = newIndexer<Obj>(metaNamespaceKeyFunc);
    known.add(obj('gone'));
    known.add(obj('kept'));
    const f = new DeltaFIFO<Obj>({ knownObjects: known, emitDeltaTypeReplaced: true });
    f.delete(obj('never-seen'));
    expect(f.length).toBe(0);
    f.replace([obj('kept', 'default', '2'), obj('new')], '10');
    const popped: Delta<Obj>[][] = [];
    for (let i = 0; i < 3; i++) popped.push(await f.pop(() => {}));
    const gone = popped.find((d) => f.keyOf(d) === 'default/gone')!;
    expect(types(gone)).toEqual(['Deleted']);
    expect(gone[0]!.object).toBeInstanceOf(DeletedFinalStateUnknown);
    expect((gone[0]!.object as DeletedFinalStateUnknown<Obj>).obj?.metadata.name).toBe('gone');
    expect(types(popped.find((d) => f.keyOf(d) === 'default/kept')!)).toEqual(['Replaced']);
  });

  it('is synced only after the first Replace has been popped, and flags the initial list', async () => {
    const f = new DeltaFIFO<Obj>();
    expect(f.hasSynced()).toBe(false);
    f.replace([obj('a'), obj('b')], '1');
    expect(f.hasSynced()).toBe(false);
    const flags: boolean[] = [];
    await f.pop((_d, initial) => void flags.push(initial));
    expect(f.hasSynced()).toBe(false);
    await f.pop((_d, initial) => void flags.push(initial));
    expect(f.hasSynced()).toBe(true);
    f.add(obj('c'));
    await f.pop((_d, initial) => void flags.push(initial));
    expect(flags).toEqual([true, true, false]);
  });

  it('emits Sync instead of Replaced without emitDeltaTypeReplaced, and resyncs known objects without pending deltas', async () => {
    const known = newIndexer<Obj>(metaNamespaceKeyFunc);
    known.add(obj('a'));
    known.add(obj('b'));
    const f = new DeltaFIFO<Obj>({ knownObjects: known });
    f.replace([obj('a')], '1');
    f.resync(); // 'a' has pending deltas: only 'b' gets a Sync
    expect(types(await f.pop(() => {}))).toEqual(['Sync']);
    expect(f.listKeys().sort()).toEqual(['default/b']);
  });

  it('requeues on RequeueError and rejects pops after close', async () => {
    const f = new DeltaFIFO<Obj>();
    f.add(obj('a'));
    await f.pop(() => {
      throw new RequeueError('later');
    });
    expect(f.length).toBe(1);
    await f.pop(() => {});
    f.close();
    await expect(f.pop(() => {})).rejects.toThrow(/closed/);
  });

  it('applies the transformer before queueing', async () => {
    const f = new DeltaFIFO<Obj>({ transformer: (o) => ({ ...o, metadata: { ...o.metadata, labels: { t: 'yes' } } }) });
    f.add(obj('a'));
    const [d] = await f.pop(() => {});
    expect((d!.object as Obj).metadata.labels).toEqual({ t: 'yes' });
  });
});
