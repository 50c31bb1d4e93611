// Discovery and the RESTMapper against kube-apiserver, compared with what kubectl api-resources
// prints for the same server; a CRD created afterwards is found through deferred re-discovery.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { DiscoveryClient, MemCacheDiscovery } from '../../src/discovery/index.js';
import { installFooCrd } from '../../examples/sample-controller/install.js';
import { DeferredDiscoveryRESTMapper, NoKindMatchError } from '../../src/restmapper/index.js';
import { controlPlane } from '../support/control-plane.js';

const run = promisify(execFile);

describe('discovery and RESTMapper', () => {
  const config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };

  it('reports the version and the same preferred resources as kubectl api-resources', async () => {
    const d = DiscoveryClient.forConfig(config);
    expect((await d.serverVersion()).gitVersion).toBe('v1.20.2');
    // Other test files install a CRD concurrently: compare the built-in API only.
    const builtIn = (name: string) => !name.endsWith('.samplecontroller.k8s.io');
    const ours = (await d.serverPreferredResources())
      .flatMap((l) =>
        l.resources.map((r) => (l.groupVersion.includes('/') ? `${r.name}.${l.groupVersion.split('/')[0]}` : r.name)),
      )
      .filter(builtIn)
      .sort();
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      controlPlane.kubeconfigPath,
      'api-resources',
      '-o',
      'name',
    ]);
    const kubectl = stdout.trim().split('\n').filter(builtIn).sort();
    expect(ours).toEqual(kubectl);
    const groups = await d.serverGroups();
    expect(groups[0]).toMatchObject({ name: '', preferredVersion: { version: 'v1' } });
    expect(groups.find((g) => g.name === 'apps')?.preferredVersion?.version).toBe('v1');
  });

  it('maps kinds, short names and a CRD created after the first discovery', async () => {
    const cached = new MemCacheDiscovery(DiscoveryClient.forConfig(config));
    const mapper = new DeferredDiscoveryRESTMapper(cached);
    expect(await mapper.restMapping({ group: 'apps', kind: 'Deployment' })).toEqual({
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      groupVersionKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'namespace',
    });
    expect(await mapper.resourceFor({ group: '', version: '', resource: 'deploy' })).toEqual({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
    });
    expect(await mapper.kindFor({ group: '', version: 'v1', resource: 'namespaces' })).toEqual({
      group: '',
      version: 'v1',
      kind: 'Namespace',
    });
    expect((await mapper.restMapping({ group: '', kind: 'Namespace' })).scope).toBe('root');
    expect(cached.fresh()).toBe(true);
    await installFooCrd(config, 'examples/sample-controller/crd.yaml');
    expect((await mapper.restMapping({ group: 'samplecontroller.k8s.io', kind: 'Foo' })).resource.resource).toBe(
      'foos',
    );
    await expect(mapper.restMapping({ group: 'nope.example.com', kind: 'Nope' })).rejects.toBeInstanceOf(
      NoKindMatchError,
    );
  });
});
