// The sample controller (after Kubernetes' sample-controller): for each Foo it keeps a Deployment
// named spec.deploymentName with spec.replicas replicas, owned by the Foo, and reports the
// Deployment's available replicas in the Foo's status. Informers feed a rate-limited work queue
// that N workers drain; failures are retried with backoff; shutdown drains in-flight work.
import { isNotFound } from '../../src/apimachinery/errors.js';
import type { OwnerReference } from '../../src/apimachinery/meta.js';
import { DynamicClient, type Unstructured } from '../../src/dynamic/index.js';
import type { ResourceClient } from '../../src/kubernetes/index.js';
import type { Config } from '../../src/rest/index.js';
import {
  DeletedFinalStateUnknown,
  listWatchFromResource,
  metaNamespaceKeyFunc,
  SharedIndexInformer,
  splitMetaNamespaceKey,
  waitForCacheSync,
} from '../../src/tools/cache/index.js';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../src/util/workqueue/index.js';
import { DEPLOYMENT_GVR, type Deployment, FOO_GVR, type Foo } from './types.js';

/** Reasons of the controller's events (as sample-controller names them). */
export const SuccessSynced = 'Synced';
export const ErrResourceExists = 'ErrResourceExists';

/** What the controller reports as it works. */
export interface ControllerObserver {
  log(line: string): void;
  synced?(foo: Foo, deployment: Deployment): void;
  fooDeleted?(key: string): void;
  /** A sync failed and was requeued with backoff. */
  syncFailed?(foo: Foo | undefined, key: string, err: Error, requeues: number): void;
  /** Called after every reconcile, successful or not. */
  reconciled?(): void;
  event?(foo: Foo, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** Options of {@link FooController}. */
export interface FooControllerOptions {
  /** Watch this namespace only ('' = all). */
  namespace?: string;
  observer?: ControllerObserver;
  /** The container of the Deployments' Pods (default: nginx:latest, as Kubernetes' sample). */
  container?: WorkloadContainer;
}

/** The container a Foo's Deployment runs. */
export interface WorkloadContainer {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
}

/** Kubernetes' sample-controller runs nginx. */
export const NGINX_CONTAINER: WorkloadContainer = { name: 'nginx', image: 'nginx:latest' };

const asFoo = (o: Unstructured) => o as Foo;
const asDeployment = (o: Unstructured) => o as Deployment;

/**
 * The sample controller.
 *
 * @example
 * const controller = new FooController(config);
 * await controller.run(2, signal); // resolves after a graceful, drained shutdown
 */
export class FooController {
  readonly queue = new RateLimitingQueue<string>(defaultControllerRateLimiter<string>(), { name: 'foos' });
  readonly fooInformer: SharedIndexInformer<Unstructured>;
  readonly deploymentInformer: SharedIndexInformer<Unstructured>;
  private readonly foos: (ns: string) => ResourceClient<Unstructured>;
  private readonly deployments: (ns: string) => ResourceClient<Unstructured>;
  private readonly observer: ControllerObserver;
  private readonly container: WorkloadContainer;
  /** Counters for people watching. */
  readonly stats = { reconciles: 0, errors: 0, retries: 0, workers: 0 };

  constructor(config: Config, options: FooControllerOptions = {}) {
    const dyn = DynamicClient.forConfig(config);
    const ns = options.namespace ?? '';
    this.foos = (n) => dyn.resource(FOO_GVR).namespace(n);
    this.deployments = (n) => dyn.resource(DEPLOYMENT_GVR).namespace(n);
    this.observer = options.observer ?? { log: (l) => process.stderr.write(`${l}\n`) };
    this.container = options.container ?? NGINX_CONTAINER;
    this.fooInformer = new SharedIndexInformer(listWatchFromResource(this.foos(ns)), { name: 'foos' });
    this.deploymentInformer = new SharedIndexInformer(listWatchFromResource(this.deployments(ns)), {
      name: 'deployments',
    });

    this.fooInformer.addEventHandler({
      onAdd: (foo) => this.enqueue(foo),
      onUpdate: (_old, foo) => this.enqueue(foo),
      onDelete: (foo) => {
        const key = foo instanceof DeletedFinalStateUnknown ? foo.key : metaNamespaceKeyFunc(foo);
        this.observer.fooDeleted?.(key);
      },
    });
    this.deploymentInformer.addEventHandler({
      onAdd: (d) => this.handleObject(d),
      onUpdate: (oldD, newD) => {
        // Periodic resyncs send the same version twice: nothing changed.
        if (oldD.metadata?.resourceVersion === newD.metadata?.resourceVersion) return;
        this.handleObject(newD);
      },
      onDelete: (d) => this.handleObject(d instanceof DeletedFinalStateUnknown ? d.obj : d),
    });
  }

  private enqueue(foo: Unstructured): void {
    this.queue.add(metaNamespaceKeyFunc(foo));
  }

  /** Enqueues the Foo that owns a Deployment, if any. */
  private handleObject(obj: Unstructured | undefined): void {
    const owner = obj?.metadata?.ownerReferences?.find((r) => r.controller);
    if (owner?.kind !== 'Foo') return;
    const key = `${obj?.metadata?.namespace}/${owner.name}`;
    if (this.fooInformer.getIndexer().getByKey(key)) this.queue.add(key);
  }

  /** Starts informers, waits for their caches, runs `workers` workers until the signal aborts. */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    this.observer.log('starting Foo controller: informers for Foos and Deployments');
    const informers = [this.fooInformer.run(signal), this.deploymentInformer.run(signal)];
    if (
      !(await waitForCacheSync(
        signal,
        () => this.fooInformer.hasSynced(),
        () => this.deploymentInformer.hasSynced(),
      ))
    ) {
      await Promise.all(informers);
      return;
    }
    this.observer.log(`caches synced; starting ${workers} workers`);
    const running = Array.from({ length: workers }, () => this.worker());
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.observer.log('shutting down: draining the work queue');
    await this.queue.shutDownWithDrain();
    this.queue.shutDown();
    await Promise.all(running);
    await Promise.all(informers);
    this.observer.log('controller stopped');
  }

  private async worker(): Promise<void> {
    this.stats.workers++;
    try {
      for (;;) {
        const { item: key, shutdown } = await this.queue.get();
        if (shutdown) return;
        try {
          await this.syncHandler(key);
          this.queue.forget(key);
        } catch (err) {
          this.stats.errors++;
          this.stats.retries++;
          this.queue.addRateLimited(key);
          this.observer.log(
            `error syncing ${key}: ${(err as Error).message}; requeued (attempt ${this.queue.numRequeues(key)})`,
          );
          this.observer.syncFailed?.(
            this.fooInformer.getIndexer().getByKey(key) as Foo | undefined,
            key,
            err as Error,
            this.queue.numRequeues(key),
          );
        } finally {
          this.stats.reconciles++;
          this.observer.reconciled?.();
          this.queue.done(key);
        }
      }
    } finally {
      this.stats.workers--;
    }
  }

  /** Brings the Deployment of one Foo to its desired state and updates the Foo's status. */
  async syncHandler(key: string): Promise<void> {
    const { namespace } = splitMetaNamespaceKey(key);
    const cached = this.fooInformer.getIndexer().getByKey(key);
    if (!cached) return; // deleted: its Deployment goes with it by garbage collection
    const foo = asFoo(cached);
    const deploymentName = foo.spec?.deploymentName;
    if (!deploymentName) {
      this.observer.log(`${key}: spec.deploymentName must be set; not retrying`);
      return;
    }
    let deployment = this.deploymentInformer.getIndexer().getByKey(`${namespace}/${deploymentName}`) as
      | Deployment
      | undefined;
    if (!deployment) {
      deployment = asDeployment(
        await this.deployments(namespace).create(newDeployment(foo, undefined, this.container) as Unstructured),
      );
      this.observer.log(`${key}: created deployment ${namespace}/${deploymentName}`);
    }
    const owner = deployment.metadata?.ownerReferences?.find((r) => r.controller);
    if (owner?.uid !== foo.metadata?.uid) {
      const message = `Resource "${deploymentName}" already exists and is not managed by Foo`;
      this.observer.event?.(foo, 'Warning', ErrResourceExists, message);
      throw new Error(message);
    }
    if (foo.spec?.replicas !== undefined && foo.spec.replicas !== deployment.spec?.replicas) {
      this.observer.log(
        `${key}: scaling deployment ${deploymentName} from ${deployment.spec?.replicas} to ${foo.spec.replicas}`,
      );
      deployment = asDeployment(
        await this.deployments(namespace).update(newDeployment(foo, deployment, this.container) as Unstructured),
      );
    }
    const available = deployment.status?.availableReplicas ?? 0;
    if (foo.status?.availableReplicas !== available) {
      try {
        await this.foos(namespace).updateStatus({
          ...foo,
          status: { ...foo.status, availableReplicas: available },
        } as Unstructured);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    this.observer.synced?.(foo, deployment);
    this.observer.event?.(foo, 'Normal', SuccessSynced, 'Foo synced successfully');
  }
}

/** The Deployment a Foo asks for (keeping the existing object's metadata when updating). */
export function newDeployment(foo: Foo, existing?: Deployment, container = NGINX_CONTAINER): Deployment {
  const labels = { app: 'nginx', controller: foo.metadata?.name ?? '' };
  const owner: OwnerReference = {
    apiVersion: `${FOO_GVR.group}/${FOO_GVR.version}`,
    kind: 'Foo',
    name: foo.metadata?.name ?? '',
    uid: foo.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: existing?.metadata ?? {
      name: foo.spec?.deploymentName,
      namespace: foo.metadata?.namespace,
      ownerReferences: [owner],
    },
    spec: {
      replicas: foo.spec?.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 2, containers: [container] } },
    },
  };
}
