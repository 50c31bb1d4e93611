// The layering redesign moved the generic client to src/client and the Broadcaster to
// apimachinery/watch: the old import paths still give the same objects.
import { describe, expect, expectTypeOf, test } from 'vitest';
import * as apimachinery from '../../../src/apimachinery/index.js';
import * as client from '../../../src/client/index.js';
import * as kubernetes from '../../../src/kubernetes/index.js';
import type { Watcher as ToolsWatcher } from '../../../src/tools/watch/index.js';
import * as watch from '../../../src/watch/index.js';
import type { Watcher } from '../../../src/watch/index.js';

describe('moved modules keep their import paths', () => {
  test('kube-client/kubernetes re-exports the generic client of kube-client/client', () => {
    expect(kubernetes.ResourceClient).toBe(client.ResourceClient);
    expect(kubernetes.TypedResourceClient).toBe(client.TypedResourceClient);
    expect(kubernetes.PodLogStream).toBe(client.PodLogStream);
    expect(typeof kubernetes.Clientset).toBe('function');
  });

  test('kube-client/watch and kube-client/apimachinery give the same Broadcaster and watches', () => {
    expect(watch.Broadcaster).toBe(apimachinery.Broadcaster);
    expect(watch.ChannelWatch).toBe(apimachinery.ChannelWatch);
    expect(new watch.Broadcaster<string>(1, 'dropIfChannelFull')).toBeInstanceOf(apimachinery.Broadcaster);
  });

  test('tools/watch names the one Watcher interface', () => {
    expectTypeOf<ToolsWatcher<string>>().toEqualTypeOf<Watcher<string>>();
  });
});
