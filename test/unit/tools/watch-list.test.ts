// The Reflector's watch-list option (client-go's WatchListClient) against a protocol-level test
// server that follows KEP-3157: a WATCH with sendInitialEvents=true, resourceVersionMatch=NotOlderThan
// and allowWatchBookmarks=true gets the current state as ADDED events, then a BOOKMARK annotated
// k8s.io/initial-events-end with the state's resourceVersion, then the changes on the same stream.
// The same server can act as an old one (v1.20 here refuses resourceVersionMatch on a watch with 422
// Invalid; v1.27+ without the WatchList feature refuses sendInitialEvents the same way), where the
// Reflector falls back to LIST + WATCH.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apimachinery/errors.js';
import { FakeWatch } from '../../../src/apimachinery/watch/channel-watch.js';
import { noWarnings, restClientFor } from '../../../src/rest/index.js';
import {
  INITIAL_EVENTS_END_ANNOTATION,
  isInitialEventsEndBookmark,
  type ListerWatcher,
  newListWatchFromClient,
  Reflector,
  type ReflectorStore,
  watchListSync,
} from '../../../src/tools/cache/index.js';
import { until as pollUntil } from '../../support/until.js';

interface CM {
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
}
const cm = (name: string, rv: number, v = ''): CM => ({
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: String(rv) },
  data: { v },
});
const bookmark = (rv: number): CM => ({
  kind: 'ConfigMap',
  metadata: {
    name: '',
    namespace: '',
    resourceVersion: String(rv),
    annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' },
  },
});

type Mode = 'kep3157' | 'v1.20' | 'no-feature' | 'drop-first';

/** A KEP-3157 server for /api/v1/namespaces/ns/configmaps, recording each request's query. */
async function startServer(mode: Mode, objects: CM[], rv: number) {
  const requests: URLSearchParams[] = [];
  const live: ServerResponse[] = [];
  let watches = 0;
  const invalid = (res: ServerResponse, message: string) => {
    res.writeHead(422, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message }),
    );
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    requests.push(q);
    if (q.get('watch') !== 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'ConfigMapList',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(rv) },
          items: objects,
        }),
      );
      return;
    }
    if (mode === 'v1.20' && q.has('resourceVersionMatch')) {
      return invalid(
        res,
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch',
      );
    }
    const initial = q.get('sendInitialEvents') === 'true';
    if (mode === 'no-feature' && initial) {
      return invalid(
        res,
        'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
      );
    }
    if (initial && (q.get('resourceVersionMatch') !== 'NotOlderThan' || q.get('allowWatchBookmarks') !== 'true')) {
      return invalid(res, 'sendInitialEvents requires resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true');
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;
    watches++;
    if (initial) {
      const lines = objects.map((o) => line('ADDED', o));
      if (mode === 'drop-first' && watches === 1) {
        // The connection drops in the middle of the initial events.
        res.end(lines.slice(0, 1).join(''));
        return;
      }
      // The bookmark and a first change in one write: both arrive in one chunk.
      res.write(lines.join('') + line('BOOKMARK', bookmark(rv)) + line('MODIFIED', cm('a', rv + 1, 'changed')));
    }
    live.push(res);
    req.on('close', () => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    live,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A store recording replace() and the later changes. */
class RecordingStore implements ReflectorStore<CM> {
  replaced: { names: string[]; rv: string }[] = [];
  updates: string[] = [];
  add(o: CM) {
    this.updates.push(`add ${o.metadata.name}`);
  }
  update(o: CM) {
    this.updates.push(`update ${o.metadata.name} ${o.data?.v}`);
  }
  delete(o: CM) {
    this.updates.push(`delete ${o.metadata.name}`);
  }
  replace(list: CM[], rv: string) {
    this.replaced.push({ names: list.map((o) => o.metadata.name).sort(), rv });
  }
  resync() {}
}

const until = (cond: () => boolean) => pollUntil(cond, { timeoutMs: 5000, intervalMs: 5 });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function run(mode: Mode) {
  const server = await startServer(mode, [cm('a', 5), cm('b', 6), cm('c', 7)], 9);
  const rc = restClientFor({
    host: server.url,
    apiPath: '/api',
    groupVersion: { group: '', version: 'v1' },
    qps: -1,
    warningHandler: noWarnings,
  });
  const store = new RecordingStore();
  const errors: unknown[] = [];
  const reflector = new Reflector<CM>(newListWatchFromClient<CM>(rc, 'configmaps', 'ns'), store, {
    useWatchList: true,
    watchErrorHandler: (err) => errors.push(err),
    backoffManager: { backoff: () => 5 },
  });
  const ac = new AbortController();
  const running = reflector.run(ac.signal);
  cleanups.push(async () => {
    ac.abort();
    await running;
    await server.close();
  });
  return { server, store, errors, reflector };
}

describe('Reflector with useWatchList (KEP-3157 test server)', () => {
  it('syncs from the initial events, with no LIST, and goes on with the same watch', async () => {
    const { server, store, errors, reflector } = await run('kep3157');
    await until(() => store.updates.length > 0);
    expect(store.replaced).toEqual([{ names: ['a', 'b', 'c'], rv: '9' }]);
    // The change written right after the bookmark, in the same chunk.
    expect(store.updates).toEqual(['update a changed']);
    expect(reflector.getLastSyncResourceVersion()).toBe('10');
    expect(server.requests.map((q) => q.get('watch'))).toEqual(['true']);
    const q = server.requests[0]!;
    expect(
      Object.fromEntries(
        ['sendInitialEvents', 'resourceVersionMatch', 'allowWatchBookmarks', 'resourceVersion'].map((k) => [
          k,
          q.get(k),
        ]),
      ),
    ).toEqual({
      sendInitialEvents: 'true',
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: 'true',
      resourceVersion: null, // '' (the newest state) is not sent
    });
    // Later changes arrive on the same stream.
    server.live[0]!.write(`${JSON.stringify({ type: 'DELETED', object: cm('b', 11) })}\n`);
    await until(() => store.updates.length === 2);
    expect(store.updates[1]).toBe('delete b');
    expect(errors).toEqual([]);
  });

  for (const mode of ['v1.20', 'no-feature'] as const) {
    it(`falls back to LIST + WATCH when the server refuses watch-list (${mode})`, async () => {
      const { server, store, errors } = await run(mode);
      await until(() => store.replaced.length === 1 && server.requests.length === 3);
      expect(store.replaced).toEqual([{ names: ['a', 'b', 'c'], rv: '9' }]);
      const kinds = server.requests.map((q) =>
        q.get('watch') ? `watch${q.get('sendInitialEvents') ? '-list' : ''}` : 'list',
      );
      expect(kinds).toEqual(['watch-list', 'list', 'watch']);
      expect(server.requests[2]!.get('resourceVersion')).toBe('9');
      expect(errors).toHaveLength(1);
      expect(String((errors[0] as Error).message)).toMatch(/falling back to LIST \+ WATCH/);
      expect((errors[0] as Error).cause).toBeInstanceOf(StatusError);
      expect(((errors[0] as Error).cause as StatusError).code).toBe(422);
    });
  }

  it('starts the watch-list again when the stream ends before the bookmark', async () => {
    const { server, store, errors } = await run('drop-first');
    await until(() => store.replaced.length === 1);
    expect(store.replaced).toEqual([{ names: ['a', 'b', 'c'], rv: '9' }]);
    expect(server.requests.map((q) => q.get('sendInitialEvents'))).toEqual(['true', 'true']);
    expect(errors).toEqual([]);
  });
});

describe('watchListSync over any Watch', () => {
  it('keeps the state of the initial events (a deletion removes) and hands the rest of the watch on', async () => {
    const w = new FakeWatch<CM>();
    const lw: ListerWatcher<CM> = {
      list: async () => {
        throw new Error('no list expected');
      },
      watch: async () => w,
    };
    w.add(cm('a', 1));
    w.add(cm('b', 2));
    w.modify(cm('a', 3, 'x'));
    w.delete(cm('b', 4));
    w.bookmark(bookmark(5));
    w.modify(cm('a', 6, 'after'));
    const ac = new AbortController();
    const r = await watchListSync(lw, '', 60, ac.signal);
    expect(r.items).toEqual([cm('a', 3, 'x')]);
    expect(r.resourceVersion).toBe('5');
    const next: string[] = [];
    for (const ev of r.pending) next.push(`${ev.type} ${ev.object.metadata.resourceVersion}`);
    for await (const ev of r.watch) {
      next.push(`${ev.type} ${ev.object.metadata.resourceVersion}`);
      break;
    }
    expect(next).toEqual(['MODIFIED 6']);
  });

  it('rejects an ERROR event and tells the end-of-initial-events bookmark apart', async () => {
    const w = new FakeWatch<CM>();
    w.error({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
    const lw: ListerWatcher<CM> = { list: async () => ({ items: [] }), watch: async () => w };
    await expect(watchListSync(lw, '3', 60, new AbortController().signal)).rejects.toBeInstanceOf(StatusError);
    expect(isInitialEventsEndBookmark({ type: 'BOOKMARK', object: bookmark(1) })).toBe(true);
    expect(isInitialEventsEndBookmark({ type: 'BOOKMARK', object: cm('x', 1) })).toBe(false);
    expect(isInitialEventsEndBookmark({ type: 'ADDED', object: bookmark(1) })).toBe(false);
  });
});
