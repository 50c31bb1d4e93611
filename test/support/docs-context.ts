// The names that docs fragments use without declaring them (the prose around them introduces
// them: "with a clientset `cs`", "in the worker", ...). A block marked `<!-- docs-check: fragment -->`
// is compiled inside a function that takes a DocsContext, so each name has the type the docs mean.
// Only fragments see these names; a complete block must declare everything it uses.
import type { expect } from 'vitest';
import type { Config } from '../../src/rest/index.js';
import type { GroupVersionResource, KubeObject } from '../../src/apimachinery/index.js';
import type { Clientset, core_v1 } from '../../src/kubernetes/index.js';
import type { Lister } from '../../src/listers/index.js';
import type { SharedIndexInformer } from '../../src/tools/cache/index.js';
import type { RateLimitingQueue } from '../../src/util/workqueue/index.js';

/** What a docs fragment may use without declaring it. */
export interface DocsContext {
  /** A typed clientset. */
  cs: Clientset;
  /** A loaded REST config (`loadKubeConfig().config`). */
  config: Config;
  /** The API server URL and a bearer token. */
  host: string;
  token: string;
  /** Cancels what the fragment starts. */
  signal: AbortSignal;
  /** A ConfigMap, its informer, its lister, the work queue of its keys and one key from it. */
  cm: core_v1.ConfigMap;
  informer: SharedIndexInformer<core_v1.ConfigMap>;
  lister: Lister<core_v1.ConfigMap>;
  queue: RateLimitingQueue<string>;
  key: string;
  /** The controller's sync of one key. */
  reconcile: (key: string) => Promise<void>;
  /** The pods of a namespace. */
  pods: ReturnType<Clientset['coreV1']['pods']>;
  /** A custom object (`samplecontroller.k8s.io/v1alpha1` Foo) and its resource. */
  foo: KubeObject;
  fooGvr: GroupVersionResource;
  /** A controller under test, and vitest's expect. */
  myController: { sync(cs: Clientset): Promise<void> };
  expect: typeof expect;
}

/** Every name of DocsContext (what a fragment's function destructures). */
export const DOCS_CONTEXT_NAMES = [
  'cs',
  'config',
  'host',
  'token',
  'signal',
  'cm',
  'informer',
  'lister',
  'queue',
  'key',
  'reconcile',
  'pods',
  'foo',
  'fooGvr',
  'myController',
  'expect',
] as const satisfies readonly (keyof DocsContext)[];
