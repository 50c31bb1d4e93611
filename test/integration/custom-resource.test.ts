// A custom resource defined in TypeScript (examples/more/custom-resource.ts) against the real
// apiserver, the judge of the manifest: it accepts the CRD as structural (no NonStructuralSchema
// condition) and serves it, objects typed from the same schema are created and read back, fields
// outside the schema are pruned, the printer columns show in kubectl, and objects the schema
// forbids are rejected by the server.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWidgets, type Widget, widgets } from '../../examples/more/custom-resource.js';
import { isInvalid } from '../../src/apimachinery/errors.js';
import { loadKubeConfig } from '../../src/clientcmd/index.js';
import { Clientset } from '../../src/kubernetes/index.js';
import type { Config } from '../../src/rest/index.js';
import { controlPlane, createTestNamespace } from '../support/control-plane.js';

const run = promisify(execFile);

describe('a CRD defined in TypeScript, judged by the apiserver', () => {
  let ns: string;
  let config: Config;
  let cs: Clientset;

  beforeAll(async () => {
    ns = await createTestNamespace('ts-crd');
    config = { ...loadKubeConfig({ path: controlPlane.kubeconfigPath }).config, qps: -1 };
    cs = Clientset.forConfig(config);
    await installWidgets(cs);
  }, 90_000);

  it('is accepted as a structural schema and served', async () => {
    const crd = await cs.apiextensionsV1.customResourceDefinitions.get(widgets.name);
    const conditions = crd.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'NonStructuralSchema')).toBeUndefined();
    expect(conditions.find((c) => c.type === 'NamesAccepted')?.status).toBe('True');
    expect(crd.status?.acceptedNames?.shortNames).toEqual(['wd']);
    // What the server stored is what the definition says (defaults aside).
    expect(crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec).toEqual(
      widgets.manifest().spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec,
    );
  });

  it('creates, reads and updates typed objects; prunes fields outside the schema', async () => {
    const client = widgets.client(config, ns);
    const w: Widget = { metadata: { name: 'w1' }, spec: { replicas: 2, mode: 'Fast' } };
    const created = await client.create({ ...w, spec: { ...w.spec, unknownField: 'x' } as Widget['spec'] });
    expect(created).toMatchObject({ apiVersion: 'widgets.example.com/v1', kind: 'Widget', spec: { replicas: 2 } });
    expect(created.spec).toEqual({ replicas: 2, mode: 'Fast' });
    const withStatus = await client.updateStatus({ ...created, status: { readyReplicas: 2 } });
    expect(withStatus.status?.readyReplicas).toBe(2);
    const listed = await client.list();
    expect(listed.items.map((i) => i.spec.replicas)).toEqual([2]);
  });

  it('shows its printer columns in kubectl', async () => {
    const { stdout } = await run('/usr/bin/kubectl', [
      '--kubeconfig',
      controlPlane.kubeconfigPath,
      'get',
      'wd',
      '-n',
      ns,
    ]);
    const [header, row] = stdout.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'REPLICAS', 'MODE']);
    expect(row?.split(/\s+/)).toEqual(['w1', '2', 'Fast']);
  });

  it.each([
    ['replicas below the minimum', { replicas: -1 }, 'spec.replicas'],
    ['replicas above the maximum', { replicas: 11 }, 'spec.replicas'],
    ['a mode outside the enum', { replicas: 1, mode: 'Medium' }, 'spec.mode'],
    ['a string where an integer goes', { replicas: 'three' }, 'spec.replicas'],
    ['a required field missing', { image: 'x' }, 'spec.replicas'],
    ['an empty image (minLength 1)', { replicas: 1, image: '' }, 'spec.image'],
  ])('is rejected by the server: %s', async (_what, spec, field) => {
    const client = widgets.client(config, ns);
    // The type would refuse these: only a cast gets them to the server, which refuses them too.
    const err = await client
      .create({ metadata: { generateName: 'bad-' }, spec } as unknown as Widget)
      .catch((e: unknown) => e);
    expect(isInvalid(err)).toBe(true);
    expect((err as Error).message).toContain(field);
  });

  it('is rejected without a spec (the schema requires it)', async () => {
    const err = await widgets
      .client(config, ns)
      .create({ metadata: { name: 'nospec' } } as unknown as Widget)
      .catch((e: unknown) => e);
    expect(isInvalid(err)).toBe(true);
    expect((err as Error).message).toContain('spec');
  });
});
