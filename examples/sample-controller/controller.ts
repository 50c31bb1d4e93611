// The sample controller (after Kubernetes' sample-controller): for each Foo it keeps a Deployment
// named spec.deploymentName with spec.replicas replicas, owned by the Foo, and reports the
// Deployment's available replicas in the Foo's status. Informers feed a rate-limited work queue
// that N workers drain; failures are retried with backoff; shutdown drains in-flight work.
import { isNotFound, type OwnerReference } from 'kube-client/apimachinery';
import { allSynced, SharedInformerFactory } from 'kube-client/informers';
import { type apps_v1, type appsV1, Clientset } from 'kube-client/kubernetes';
import type { Lister } from 'kube-client/listers';
import type { Config } from 'kube-client/rest';
import {
  DeletedFinalStateUnknown,
  metaNamespaceKeyFunc,
  type SharedIndexInformer,
  splitMetaNamespaceKey,
} from 'kube-client/tools/cache';
import { defaultControllerRateLimiter, RateLimitingQueue } from 'kube-client/util/workqueue';
import {
  Clientset as FooClientset,
  informersFor,
  type samplecontroller_k8s_io_v1alpha1 as v1alpha1,
  type samplecontrollerV1alpha1,
  type samplecontrollerV1alpha1Listers,
} from './generated/index.js';

/** A Foo, as generated from the CRD (`kube-client-gen --crd crd.yaml`). */
export type Foo = v1alpha1.Foo;
/** An apps/v1 Deployment, from the typed Clientset. */
export type Deployment = apps_v1.Deployment;
/** The apiVersion of Foos, for the owner references of their Deployments. */
export const FOO_API_VERSION = 'samplecontroller.k8s.io/v1alpha1';

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

/**
 * The sample controller.
 *
 * @example
 * const controller = new FooController(config);
 * await controller.run(2, signal); // resolves after a graceful, drained shutdown
 */
export class FooController {
  readonly queue = new RateLimitingQueue<string>(defaultControllerRateLimiter<string>(), { name: 'foos' });
  readonly fooInformer: SharedIndexInformer<Foo>;
  readonly deploymentInformer: SharedIndexInformer<Deployment>;
  /** Typed listers over the informers' caches. */
  private readonly fooLister: samplecontrollerV1alpha1Listers.FooLister;
  private readonly deploymentLister: Lister<Deployment>;
  private readonly factory: SharedInformerFactory;
  private readonly foos: (ns: string) => samplecontrollerV1alpha1.SamplecontrollerV1alpha1FoosClient;
  private readonly deployments: (ns: string) => appsV1.AppsV1DeploymentsClient;
  private readonly observer: ControllerObserver;
  private readonly container: WorkloadContainer;
  /** Counters for people watching. */
  readonly stats = { reconciles: 0, errors: 0, retries: 0, workers: 0 };

  constructor(config: Config, options: FooControllerOptions = {}) {
    const cs = Clientset.forConfig(config);
    const fooCs = FooClientset.forConfig(config);
    const ns = options.namespace ?? '';
    this.foos = (n) => fooCs.samplecontrollerV1alpha1.foos(n);
    this.deployments = (n) => cs.appsV1.deployments(n);
    this.observer = options.observer ?? { log: (l) => process.stderr.write(`${l}\n`) };
    this.container = options.container ?? NGINX_CONTAINER;
    // One typed factory: Deployments as for any built-in resource, Foos through the informers and
    // listers generated from the CRD (informer-gen and lister-gen's output for Foo).
    const factory = SharedInformerFactory.create(cs, { namespace: ns });
    this.factory = factory;
    const foos = informersFor(factory, fooCs).samplecontrollerV1alpha1.foos;
    this.fooInformer = foos.informer();
    this.fooLister = foos.lister();
    this.deploymentInformer = factory.appsV1.deployments.informer();
    this.deploymentLister = factory.appsV1.deployments.lister();

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

  private enqueue(foo: Foo): void {
    this.queue.add(metaNamespaceKeyFunc(foo));
  }

  /** Enqueues the Foo that owns a Deployment, if any. */
  private handleObject(obj: Deployment | undefined): void {
    const owner = obj?.metadata?.ownerReferences?.find((r) => r.controller);
    if (owner?.kind !== 'Foo') return;
    const key = `${obj?.metadata?.namespace}/${owner.name}`;
    if (this.fooInformer.getIndexer().getByKey(key)) this.queue.add(key);
  }

  /** Starts informers, waits for their caches, runs `workers` workers until the signal aborts. */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    this.observer.log('starting Foo controller: informers for Foos and Deployments');
    this.factory.start(signal);
    if (!allSynced(await this.factory.waitForCacheSync(signal))) {
      await this.factory.shutdown();
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
    await this.factory.shutdown();
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
        } catch (thrown) {
          const err = thrown instanceof Error ? thrown : new Error(String(thrown));
          this.stats.errors++;
          this.stats.retries++;
          this.queue.addRateLimited(key);
          this.observer.log(`error syncing ${key}: ${err.message}; requeued (attempt ${this.queue.numRequeues(key)})`);
          this.observer.syncFailed?.(
            this.fooInformer.getIndexer().getByKey(key),
            key,
            err,
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
    const { namespace, name } = splitMetaNamespaceKey(key);
    const foo = cached(() => this.fooLister.namespace(namespace).get(name));
    if (!foo) return; // deleted: its Deployment goes with it by garbage collection
    const deploymentName = foo.spec?.deploymentName;
    if (!deploymentName) {
      this.observer.log(`${key}: spec.deploymentName must be set; not retrying`);
      return;
    }
    let deployment = cached(() => this.deploymentLister.namespace(namespace).get(deploymentName));
    if (!deployment) {
      deployment = await this.deployments(namespace).create(newDeployment(foo, undefined, this.container));
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
      deployment = await this.deployments(namespace).update(newDeployment(foo, deployment, this.container));
    }
    const available = deployment.status?.availableReplicas ?? 0;
    if (foo.status?.availableReplicas !== available) {
      try {
        await this.foos(namespace).updateStatus({
          ...foo,
          status: { ...foo.status, availableReplicas: available },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    this.observer.synced?.(foo, deployment);
    this.observer.event?.(foo, 'Normal', SuccessSynced, 'Foo synced successfully');
  }
}

/** What a lister has under that name, or undefined (listers throw NotFound). */
function cached<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The Deployment a Foo asks for (keeping the existing object's metadata when updating). */
export function newDeployment(foo: Foo, existing?: Deployment, container = NGINX_CONTAINER): Deployment {
  const labels = { app: 'nginx', controller: foo.metadata?.name ?? '' };
  const owner: OwnerReference = {
    apiVersion: FOO_API_VERSION,
    kind: 'Foo',
    name: foo.metadata?.name ?? '',
    uid: foo.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  return {
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
