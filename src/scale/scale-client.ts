// The scale client: read and change the scale subresource of any scalable resource (Deployments,
// ReplicaSets, StatefulSets, CRDs with a scale subresource) by group and resource, resolved through
// a RESTMapper, as client-go's scale.ScalesGetter.
import type { GroupResource, GroupVersionResource } from '../apimachinery/schema.js';
import { DynamicClient } from '../dynamic/dynamic-client.js';
import type { Config } from '../rest/config.js';
import type { DeferredDiscoveryRESTMapper } from '../restmapper/rest-mapper.js';

/** autoscaling/v1 Scale. */
export interface Scale {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
  spec?: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

/** Scale calls in one namespace. */
export class NamespacedScales {
  constructor(
    private readonly dynamic: DynamicClient,
    private readonly mapper: DeferredDiscoveryRESTMapper,
    /** The namespace. */
    readonly ns: string,
  ) {}

  private async client(gr: GroupResource) {
    const gvr = await this.mapper.resourceFor({ group: gr.group, version: '', resource: gr.resource });
    return this.dynamic.resource(gvr).namespace(this.ns);
  }

  /** GET the scale of `name`. */
  async get(gr: GroupResource, name: string): Promise<Scale> {
    return (await this.client(gr)).getSubresource<Scale>(name, 'scale');
  }

  /** PUT a new scale (spec.replicas; metadata.resourceVersion guards concurrent changes). */
  async update(gr: GroupResource, scale: Scale): Promise<Scale> {
    return (await this.client(gr)).updateSubresource<Scale, Scale>(scale.metadata?.name ?? '', 'scale', scale);
  }

  /** PATCH the scale subresource of a resource. */
  async patch(
    gvr: GroupVersionResource,
    name: string,
    patchType: 'application/merge-patch+json' | 'application/json-patch+json',
    data: unknown,
  ): Promise<Scale> {
    return (await this.dynamic.resource(gvr).namespace(this.ns).patch(name, patchType, data, {}, 'scale')) as Scale;
  }
}

/**
 * client-go's ScalesGetter.
 *
 * @example
 * const scales = ScaleClient.forConfig(config, mapper);
 * const s = await scales.scales('default').get({ group: 'apps', resource: 'deployments' }, 'web');
 * await scales.scales('default').update({ group: 'apps', resource: 'deployments' }, { ...s, spec: { replicas: 5 } });
 */
export class ScaleClient {
  private readonly dynamic: DynamicClient;
  constructor(
    config: Config,
    private readonly mapper: DeferredDiscoveryRESTMapper,
  ) {
    this.dynamic = DynamicClient.forConfig(config);
  }

  static forConfig(config: Config, mapper: DeferredDiscoveryRESTMapper): ScaleClient {
    return new ScaleClient(config, mapper);
  }

  /** Scale calls in a namespace. */
  scales(namespace: string): NamespacedScales {
    return new NamespacedScales(this.dynamic, this.mapper, namespace);
  }
}
