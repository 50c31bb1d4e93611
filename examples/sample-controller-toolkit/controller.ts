// The sample controller on the toolkit (kube-client/controller): the same job as
// examples/sample-controller (each Foo gets an owned Deployment of spec.replicas replicas, its
// status reports the Deployment's available replicas, events say what happened, a Deployment of
// that name owned by someone else is a Warning and a retry with backoff), with the Manager doing
// the informers, queue, workers, leader election and shutdown.
import { type Controller, done, isControlledBy, type Manager } from 'kube-client/controller';
import type { apps_v1 } from 'kube-client/kubernetes';
import { Clientset, type samplecontroller_k8s_io_v1alpha1 as v1alpha1 } from './generated/index.js';

/** A Foo (generated from the CRD). */
export type Foo = v1alpha1.Foo;

/**
 * Adds the Foo controller to a manager; Foos and Deployments of `namespace` ('' = all).
 *
 * @example
 * const controller = addFooController(mgr, 'default');
 * await mgr.start(signal);
 */
export function addFooController(mgr: Manager, namespace = ''): Controller<Foo> {
  const foos = Clientset.forConfig(mgr.config).samplecontrollerV1alpha1;
  const apps = mgr.clientset.appsV1;
  const fooCache = mgr.reader(foos.foos(namespace));
  const deploymentCache = mgr.reader(apps.deployments(namespace));
  const controller = mgr
    .controller('foo-controller')
    .for(foos.foos(namespace))
    .owns(apps.deployments(namespace))
    .withOptions({ maxConcurrentReconciles: 2 })
    .complete(async (req, signal) => {
      const foo = await fooCache.get(req);
      const name = foo?.spec?.deploymentName;
      if (!foo || !name) return done(); // deleted (its Deployment goes by garbage collection) or invalid
      let deployment = await deploymentCache.get({ namespace: req.namespace, name });
      deployment ??= await apps
        .deployments(req.namespace)
        .create(controller.setControllerReference(foo, newDeployment(foo)), { signal });
      if (!isControlledBy(deployment, foo)) {
        const message = `Resource "${name}" already exists and is not managed by Foo`;
        controller.recorder.event(foo, 'Warning', 'ErrResourceExists', message);
        throw new Error(message); // retried with backoff until the name is free
      }
      if (deployment.spec && deployment.spec.replicas !== foo.spec?.replicas) {
        deployment.spec.replicas = foo.spec?.replicas; // a copy: readers hand out copies
        deployment = await apps.deployments(req.namespace).update(deployment, { signal });
      }
      const availableReplicas = deployment.status?.availableReplicas ?? 0;
      if (foo.status?.availableReplicas !== availableReplicas)
        await foos.foos(req.namespace).updateStatus({ ...foo, status: { availableReplicas } }, { signal });
      controller.recorder.event(foo, 'Normal', 'Synced', 'Foo synced successfully');
      return done();
    });
  return controller;
}

/** The Deployment a Foo asks for. */
export function newDeployment(foo: Foo): apps_v1.Deployment {
  const labels = { app: 'nginx', controller: foo.metadata?.name ?? '' };
  return {
    metadata: { name: foo.spec?.deploymentName, namespace: foo.metadata?.namespace },
    spec: {
      replicas: foo.spec?.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: 'nginx:latest' }] } },
    },
  };
}
