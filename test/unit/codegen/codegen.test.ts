// The generator: small spec fragments render the expected TypeScript; the committed src/generated
// is exactly what `npm run generate` produces; the v1.20.2 spec and a CRD both generate code that
// type-checks against kube-client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  analyzeSpec,
  generate,
  groupVersionAccessor,
  modelFromCrds,
  type OpenAPISpec,
  renderModel,
  resourceAccessor,
} from '../../../src/codegen/index.js';

const fragment: OpenAPISpec = {
  definitions: {
    'io.k8s.api.demo.v1.Widget': {
      description: 'Widget is a demo.\nSecond line.',
      type: 'object',
      required: ['spec'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: { $ref: '#/definitions/io.k8s.api.demo.v1.WidgetSpec' },
      },
      'x-kubernetes-group-version-kind': [{ group: 'demo.example.com', version: 'v1', kind: 'Widget' }],
    },
    'io.k8s.api.demo.v1.WidgetSpec': {
      type: 'object',
      properties: {
        size: { type: 'integer', description: 'How big.' },
        port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
        mode: { type: 'string', enum: ['Fast', 'Slow'] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        'weird-key': { type: 'boolean' },
      },
    },
    'io.k8s.api.demo.v1.WidgetList': {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', items: { $ref: '#/definitions/io.k8s.api.demo.v1.Widget' } } },
    },
  },
  paths: {
    '/apis/demo.example.com/v1/namespaces/{namespace}/widgets': {
      get: {
        'x-kubernetes-action': 'list',
        'x-kubernetes-group-version-kind': { group: 'demo.example.com', version: 'v1', kind: 'Widget' },
        responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.WidgetList' } } },
      },
      post: {
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': { group: 'demo.example.com', version: 'v1', kind: 'Widget' },
        responses: { '201': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.Widget' } } },
      },
    },
    '/apis/demo.example.com/v1/namespaces/{namespace}/widgets/{name}': {
      get: {
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': { group: 'demo.example.com', version: 'v1', kind: 'Widget' },
        responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.Widget' } } },
      },
      patch: {
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: 'demo.example.com', version: 'v1', kind: 'Widget' },
        responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.Widget' } } },
      },
    },
    '/apis/demo.example.com/v1/namespaces/{namespace}/widgets/{name}/scale': {
      get: {
        'x-kubernetes-action': 'get',
        responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.WidgetSpec' } } },
      },
      put: {
        'x-kubernetes-action': 'put',
        responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.WidgetSpec' } } },
      },
    },
    '/apis/demo.example.com/v1/watch/namespaces/{namespace}/widgets': {
      get: { 'x-kubernetes-action': 'watchlist' },
    },
  },
};

describe('codegen', () => {
  it('derives resources, scope and subresources from paths', () => {
    const model = analyzeSpec(fragment);
    expect(model.groupVersions).toHaveLength(1);
    expect(model.groupVersions[0]!.resources[0]).toMatchObject({
      resource: 'widgets',
      kind: 'Widget',
      namespaced: true,
      typeRef: 'io.k8s.api.demo.v1.Widget',
      listTypeRef: 'io.k8s.api.demo.v1.WidgetList',
      subresources: [{ name: 'scale' }],
    });
  });

  it('renders types with docs, required fields, int-or-string, enums and literal kinds', () => {
    const files = renderModel(analyzeSpec(fragment), '..');
    const types = files.get('types/demo/v1.ts')!;
    expect(types).toContain('/**\n * Widget is a demo.\n * Second line.\n */\nexport interface Widget {');
    expect(types).toContain('  apiVersion?: "demo.example.com/v1";');
    expect(types).toContain('  spec: WidgetSpec;');
    expect(types).toContain('  port?: number | string;');
    expect(types).toContain('  mode?: "Fast" | "Slow";');
    expect(types).toContain('  labels?: Record<string, string>;');
    expect(types).toContain('  "weird-key"?: boolean;');
    expect(types).toContain("import type { ObjectMeta } from '../../../apimachinery/index.js';");
    const client = files.get('clientset/demoExampleComV1.ts')!;
    expect(client).toContain("widgets(namespace = ''): DemoExampleComV1WidgetsClient");
    expect(client).toContain('getScale(name: string');
    expect(client).toContain('export function widgetApplyConfiguration(name: string, namespace?: string)');
    // The capability type lists what the paths serve: watch from the watch path, apply with patch,
    // scale with get and put; no update, delete or status.
    const type = /export type DemoExampleComV1WidgetsClient = ([^;]*);/.exec(client)?.[1]?.replace(/\s+/g, ' ');
    expect(type).toBe(
      'ResourceHandle & Getter<demo_v1.Widget> & ResourceLister<demo_v1.Widget, demo_v1.WidgetList> & ResourceWatcher<demo_v1.Widget> & Creator<demo_v1.Widget> & Patcher<demo_v1.Widget> & Applier<demo_v1.Widget> & Scaler<demo_v1.WidgetSpec>',
    );
  });

  it('types a create-only resource with create alone, and gives it no apply configuration', () => {
    const paths = {
      '/apis/demo.example.com/v1/namespaces/{namespace}/widgets': {
        post: fragment.paths!['/apis/demo.example.com/v1/namespaces/{namespace}/widgets']!.post,
      },
    };
    const model = analyzeSpec({ ...fragment, paths });
    expect(model.groupVersions[0]!.resources[0]!.verbs).toEqual(['create']);
    const client = renderModel(model, '..').get('clientset/demoExampleComV1.ts')!;
    expect(client).toMatch(/export type DemoExampleComV1WidgetsClient = ResourceHandle &\s+Creator<demo_v1\.Widget>;/);
    expect(client).not.toContain('ApplyConfiguration');
    expect(client).not.toMatch(/\bPatcher\b|\bGetter\b/);
  });

  it.each([
    [{ group: '', version: 'v1' }, 'coreV1'],
    [{ group: 'networking.k8s.io', version: 'v1' }, 'networkingV1'],
    [{ group: 'rbac.authorization.k8s.io', version: 'v1beta1' }, 'rbacV1beta1'],
  ])('names group version %j %s', (gv, name) => expect(groupVersionAccessor(gv)).toBe(name));

  it.each([
    ['configmaps', 'ConfigMap', 'configMaps'],
    ['networkpolicies', 'NetworkPolicy', 'networkPolicies'],
    ['csidrivers', 'CSIDriver', 'csiDrivers'],
    ['endpoints', 'Endpoints', 'endpoints'],
  ])('names resource %s (%s) %s', (resource, kind, name) => expect(resourceAccessor(resource, kind)).toBe(name));

  it('reproduces the committed src/generated exactly (run "npm run generate" after changing the generator)', () => {
    const spec = JSON.parse(readFileSync('api/openapi/kubernetes-v1.35.0-swagger.json', 'utf8')) as OpenAPISpec;
    const files = renderModel(analyzeSpec(spec), '..');
    for (const [rel, text] of files) expect(readFileSync(join('src/generated', rel), 'utf8'), rel).toBe(text);
    const again = renderModel(analyzeSpec(spec), '..');
    expect([...again.entries()]).toEqual([...files.entries()]);
  });

  it.each([
    ['the v1.20.2 spec', { specPath: 'api/openapi/kubernetes-v1.20.2-swagger.json' }, '.build/test-gen-v1.20.2'],
    ['the sample CRD', { crdPath: 'examples/sample-controller/crd.yaml' }, '.build/test-gen-crd'],
  ])(
    'generates code for %s that type-checks',
    async (_name, source, outDir) => {
      const result = await generate({ ...source, outDir, runtime: '../../src' });
      expect(result.kinds).toBeGreaterThan(0);
      const program = ts.createProgram([join(outDir, 'index.ts')], {
        strict: true,
        noEmit: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        skipLibCheck: true,
        types: ['node'],
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    },
    60_000,
  );

  it('models CRDs with their scope and subresources', () => {
    const model = modelFromCrds(readFileSync('examples/sample-controller/crd.yaml', 'utf8'));
    expect(model.groupVersions[0]!.resources[0]).toMatchObject({
      resource: 'foos',
      kind: 'Foo',
      namespaced: true,
      subresources: [{ name: 'status' }],
    });
  });
});
