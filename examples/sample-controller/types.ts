// The types the sample controller works with: its Foo custom resource and the part of apps/v1
// Deployment it reads and writes.
import type { KubeObject } from '../../src/apimachinery/meta.js';

/** The Foo custom resource (samplecontroller.k8s.io/v1alpha1). */
export interface Foo extends KubeObject {
  spec?: { deploymentName?: string; replicas?: number };
  status?: { availableReplicas?: number };
}

/** The fields of an apps/v1 Deployment the controller uses. */
export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: {
        terminationGracePeriodSeconds?: number;
        containers: Array<{ name: string; image: string; imagePullPolicy?: string; command?: string[] }>;
      };
    };
  };
  status?: { availableReplicas?: number; replicas?: number };
}

/** Where Foos live. */
export const FOO_GVR = { group: 'samplecontroller.k8s.io', version: 'v1alpha1', resource: 'foos' } as const;
/** Where Deployments live. */
export const DEPLOYMENT_GVR = { group: 'apps', version: 'v1', resource: 'deployments' } as const;
