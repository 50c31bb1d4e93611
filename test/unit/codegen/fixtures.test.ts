// Every generated CRD client compiles: kube-client-gen runs on each fixture under test/fixtures/crds
// (and on the whole folder at once); the outputs, with a usage file that checks how precise the types
// are (@ts-expect-error lines fail the build when the error they expect is gone), are compiled
// together under `--strict`, exactOptionalPropertyTypes and verbatimModuleSyntax, once per module
// resolution (nodenext, node16, bundler). Generated code imports `kube-client/...`, which resolves
// to this package's built declarations (dist), as it would for a user.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../../src/codegen/index.js';
import { expectBuilt } from '../../support/cli.js';

const FIXTURES = 'test/fixtures/crds';
const OUT = '.build/codegen-fixtures';

/** The fixture inputs: each file and folder alone, and the whole folder at once. */
const inputs = (): Array<[string, string]> => [
  ...readdirSync(FIXTURES)
    .filter((f) => !f.endsWith('.md'))
    .map((f): [string, string] => [f.replace(/\.ya?ml$/, ''), join(FIXTURES, f)]),
  ['all', FIXTURES],
];

const USAGE = `// Compiled with the generated outputs: what the types must accept and refuse.
import { PatchType } from 'kube-client/apimachinery';
import type { ObjectMeta } from 'kube-client/apimachinery';
import { type Clientset, type dns_example_com_v1beta1, type open_example_com_v1, type tls_example_com_v1 } from './all/index.js';
import type { SharedInformerFactory } from 'kube-client/informers';
import { informersFor as allInformersFor, tlsExampleComV1Informers, tlsExampleComV1Listers } from './all/index.js';
import { type Clientset as ScaleClientset, informersFor, type scale_example_com_v1, scaleExampleComV1Listers } from './scale-status/index.js';
import type { Clientset as FolderClientset } from './folder/index.js';
import type { Clientset as ListClientset } from './list/index.js';
import type { Clientset as SharedClientset } from './shared-first-label/index.js';

const spec: tls_example_com_v1.CertSpec = { secretName: 's', issuerRef: { name: 'ca', kind: 'ClusterIssuer' }, duration: null, privateKey: null };
export const cert: tls_example_com_v1.Cert = { kind: 'Cert', metadata: { name: 'c', labels: { a: 'b' } }, spec };
export const meta: ObjectMeta | undefined = cert.metadata;
export const name: string | undefined = cert.metadata?.name;
// @ts-expect-error metadata is ObjectMeta: a misspelt field does not compile
export const typo: tls_example_com_v1.Cert = { kind: 'Cert', metadata: { nmae: 'c' }, spec };
// @ts-expect-error the root kind is required (the schema lists it) and literal
export const noKind: tls_example_com_v1.Cert = { metadata: { name: 'c' }, spec };
// @ts-expect-error statusCode is one of the enum's integers
export const redirect: tls_example_com_v1.CertSpecRulesRedirect = { statusCode: 300 };
export const redirectOk: tls_example_com_v1.CertSpecRulesRedirect = { statusCode: 301 };
// @ts-expect-error a string enum
export const path: tls_example_com_v1.CertSpecRulesMatchesPath = { type: 'Regex' };
// @ts-expect-error not nullable
export const notNull: tls_example_com_v1.CertSpec = { ...spec, secretName: null };
export const rules: tls_example_com_v1.CertSpecRules[] = [{ matches: [{ headers: { a: 'b' } }] }];

export async function calls(cs: Clientset, scales: ScaleClientset): Promise<void> {
  const certs = cs.tlsExampleComV1.certs('ns');
  await certs.patch('c', PatchType.Merge, { spec: { duration: '1h', privateKey: null }, metadata: { labels: { a: null } } });
  // @ts-expect-error a merge patch is a partial Cert: misspelt fields do not compile
  await certs.patch('c', PatchType.Merge, { spec: { secretNmae: 'x' } });
  // @ts-expect-error the apiserver refuses strategic merge patches for custom resources
  await certs.patch('c', PatchType.StrategicMerge, { spec: {} });
  await certs.patch('c', PatchType.JSON, [{ op: 'replace', path: '/spec/secretName', value: 'y' }]);
  await certs.patch('c', PatchType.Merge, '{"spec":{}}');
  const got = await certs.get('c');
  const kind: 'Cert' = got.kind;
  void kind;
  const replicators = scales.scaleExampleComV1.replicators('ns');
  const scale = await replicators.getScale('r');
  await replicators.updateScale('r', { ...scale, spec: { replicas: scale.spec?.replicas ?? 1 } });
  await replicators.updateStatus({ metadata: { name: 'r' }, spec: { replicas: 1 }, status: { replicas: 1, phase: null } });
  for await (const e of await replicators.watch()) void e.object.spec?.replicas;
}

export function typedInformersAndListers(factory: SharedInformerFactory, cs: Clientset, scales: ScaleClientset): void {
  const replicators = informersFor(factory, scales).scaleExampleComV1.replicators;
  const r: scale_example_com_v1.Replicator | undefined = replicators.lister().namespace('ns').tryGet('r');
  const lister: scaleExampleComV1Listers.ReplicatorLister = replicators.lister();
  replicators.informer().addEventHandler({ onAdd: (o) => void o.spec?.replicas, onUpdate: (_old, o) => void o.status?.phase });
  // @ts-expect-error the lister hands out Replicators, not Certs
  const wrong: tls_example_com_v1.Cert | undefined = replicators.lister().namespace('ns').tryGet('r');
  // @ts-expect-error a Replicator's spec has no such field
  void lister.list('a=b')[0]?.spec?.replicaz;
  const certs: tls_example_com_v1.Cert[] = allInformersFor(factory, cs).tlsExampleComV1.certs.lister().list('a=b');
  const own = tlsExampleComV1Informers.newCertInformer(cs.tlsExampleComV1, 'ns', { resyncPeriodMs: 1000, tweakListOptions: (o) => void o.labelSelector });
  const fromIndexer: tls_example_com_v1.Cert[] = tlsExampleComV1Listers.newCertLister(own.getIndexer()).namespace('ns').list();
  void [r, wrong, certs, fromIndexer];
}

export function kindsNamedLikeGlobals(): void {
  const record: dns_example_com_v1beta1.Record = { metadata: { name: 'r' }, spec: { values: ['a'], labels: { a: 'b' }, weights: { w: { weight: 1 } } } };
  const plain: Record<string, number> = { a: 1 };
  const arr: dns_example_com_v1beta1.Array = { spec: { items: [{ a: 'x' }] } };
  const p: dns_example_com_v1beta1.Promise = { spec: { date: { Date: 'today' } } };
  // Set came first and its spec took the name SetSpec: the kind SetSpec gets the next free name.
  const setSpec: dns_example_com_v1beta1.SetSpec2 = { kind: 'SetSpec', spec: { other: 'x' } };
  const set: dns_example_com_v1beta1.Set = { spec: { size: 1 } };
  const nested: dns_example_com_v1beta1.SetSpec = { size: 1 };
  void [record, plain, arr, p, setSpec, set, nested];
}

export function preservedUnknownFields(): void {
  const blob: open_example_com_v1.Blob = { metadata: { name: 'b' }, spec: { anything: [1, 2] }, data: 'x' };
  const tmpl: open_example_com_v1.ServiceSpecTemplateMetadata = { name: 'n', labels: { a: 'b' }, annotations: {} };
  // @ts-expect-error listed properties stay typed
  const bad: open_example_com_v1.ServiceSpecTemplateMetadata = { name: 1 };
  const svc: open_example_com_v1.Service = { spec: { raw: 'anything', template: { spec: { containers: [] } } }, status: { observedGeneration: 1, other: true } };
  void [blob, tmpl, bad, svc];
}

export function otherInputs(f: FolderClientset, l: ListClientset, s: SharedClientset): void {
  void [f.storageExampleComV1.buckets, f.storageExampleComV1.volumes('ns'), f.storageExampleComV1.snapshots('ns')];
  void [l.deployExampleComV1.apps('ns'), l.deployExampleComV1.projects('ns'), l.deployExampleComV1beta1.apps('ns')];
  void [s.gatewayRedExampleComV1alpha1.proxies('ns'), s.gatewayBlueExampleComV1alpha1.routes('ns'), s.gatewayBlueExampleComV1alpha1.listeners];
}
`;

const STRICT: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  skipLibCheck: true,
  types: ['node'],
};

const CONFIGS: Array<[string, ts.CompilerOptions]> = [
  ['nodenext', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }],
  ['node16', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }],
  ['bundler', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
];

const roots: string[] = [];

beforeAll(async () => {
  expectBuilt('dist/esm/kubernetes/typed-resource-client.d.ts');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const [name, input] of inputs()) {
    const outDir = join(OUT, name);
    await generate({ crdPaths: [input], outDir });
    roots.push(join(outDir, 'index.ts'));
  }
  writeFileSync(join(OUT, 'usage.ts'), USAGE);
  roots.push(join(OUT, 'usage.ts'));
}, 120_000);

describe('generated CRD clients compile', () => {
  it.each(CONFIGS)(
    'under --strict, exactOptionalPropertyTypes and verbatimModuleSyntax with %s resolution',
    (_name, config) => {
      const program = ts.createProgram(roots, { ...STRICT, ...config });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
        return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
      expect(diagnostics).toEqual([]);
    },
    120_000,
  );
});
