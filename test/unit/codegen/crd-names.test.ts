// Names in the generated code: identifiers guarded against reserved words, kopium's nested type
// parts, the per-module name registry, and group-version accessors that are unique and stable.
import { describe, expect, it } from 'vitest';
import {
  applyConfigurationName,
  CrdPlanner,
  type CrdVersion,
  groupVersionAccessor,
  NameRegistry,
  pascalPart,
  resourceAccessor,
  typeIdentifier,
} from '../../../src/codegen/index.js';

describe('typeIdentifier', () => {
  it.each([
    ['Widget', 'Widget'],
    ['Record', 'Record'], // a global type name stays: generated modules never refer to the global
    ['string', 'string_'],
    ['interface', 'interface_'],
    ['unknown', 'unknown_'],
    ['my-kind', 'myKind'],
    ['3D', '_3D'],
    ['', '_'],
  ])('%j -> %j', (text, name) => expect(typeIdentifier(text)).toBe(name));
});

describe('pascalPart (kopium naming of nested types)', () => {
  it.each([
    ['rules', 'Rules'],
    ['backendRefs', 'BackendRefs'],
    ['backend-refs', 'BackendRefs'],
    ['x.y', 'XY'],
    ['$ref', 'Ref'],
    ['9lives', '_9lives'],
  ])('%j -> %j', (key, part) => expect(pascalPart(key)).toBe(part));
});

describe('NameRegistry', () => {
  it('hands out a name once, numbering later claims, never a reserved name', () => {
    const names = new NameRegistry(['ObjectMeta']);
    expect(names.claim('ObjectMeta')).toBe('ObjectMeta2');
    expect(names.claim('WidgetSpec')).toBe('WidgetSpec');
    expect(names.claim('WidgetSpec')).toBe('WidgetSpec2');
    expect(names.claim('WidgetSpec2')).toBe('WidgetSpec22');
    expect(names.claimExact('Widget')).toBe(true);
    expect(names.claimExact('Widget')).toBe(false);
    expect(names.claimExact('WIDGET', true)).toBe(false);
  });
});

describe('groupVersionAccessor: a function of the group and version alone', () => {
  it.each([
    [{ group: '', version: 'v1' }, 'coreV1'],
    [{ group: 'apps', version: 'v1' }, 'appsV1'],
    [{ group: 'networking.k8s.io', version: 'v1' }, 'networkingV1'],
    [{ group: 'rbac.authorization.k8s.io', version: 'v1beta1' }, 'rbacV1beta1'],
    [{ group: 'gateway.networking.k8s.io', version: 'v1' }, 'gatewayV1'],
    [{ group: 'gateway.envoyproxy.io', version: 'v1alpha1' }, 'gatewayEnvoyproxyIoV1alpha1'],
    [{ group: 'gateway.networking.x-k8s.io', version: 'v1alpha1' }, 'gatewayNetworkingXK8sIoV1alpha1'],
    [{ group: 'cert-manager.io', version: 'v1' }, 'certManagerIoV1'],
    [{ group: '3scale.net', version: 'v1' }, '_3scaleNetV1'],
  ])('%j -> %s', (gv, name) => expect(groupVersionAccessor(gv)).toBe(name));

  it.each([
    ['my-things', 'MyThing', 'myThings'],
    ['routes', 'HTTPRoute', 'routes'],
    ['httproutes', 'HTTPRoute', 'httpRoutes'],
  ])('resource %s of kind %s -> %s', (plural, kind, name) => expect(resourceAccessor(plural, kind)).toBe(name));

  it.each([
    ['Record', 'recordApplyConfiguration'],
    ['HTTPRoute', 'httpRouteApplyConfiguration'],
    ['my-kind', 'myKindApplyConfiguration'],
  ])('apply configuration helper of %s -> %s', (kind, name) => expect(applyConfigurationName(kind)).toBe(name));
});

const crd = (group: string, version: string, kind: string, plural = `${kind.toLowerCase()}s`) =>
  ({
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    namespaced: true,
    status: false,
    scale: false,
    crdName: `${plural}.${group}`,
    source: 'test',
    fingerprint: `${group}/${version}/${kind}`,
  }) satisfies Omit<CrdVersion, 'schema'>;

describe('CrdPlanner', () => {
  it('gives groups that share their first label distinct accessors, files and namespaces', () => {
    const p = new CrdPlanner();
    p.add(crd('gateway.envoyproxy.io', 'v1alpha1', 'EnvoyProxy'));
    p.add(crd('gateway.networking.x-k8s.io', 'v1alpha1', 'XListenerSet'));
    const gvs = p.groupVersions();
    expect(gvs.map((g) => [g.accessor, g.mod, g.alias])).toEqual([
      ['gatewayEnvoyproxyIoV1alpha1', 'gateway_envoyproxy_io/v1alpha1', 'gateway_envoyproxy_io_v1alpha1'],
      [
        'gatewayNetworkingXK8sIoV1alpha1',
        'gateway_networking_x_k8s_io/v1alpha1',
        'gateway_networking_x_k8s_io_v1alpha1',
      ],
    ]);
  });

  it('refuses two groups whose names cannot be told apart, naming both', () => {
    const p = new CrdPlanner();
    p.add(crd('a-b.example.com', 'v1', 'Thing'));
    expect(() => p.add(crd('a.b-example.com', 'v1', 'Thing'))).toThrow(
      'a-b.example.com/v1 and a.b-example.com/v1 would both get the accessor "aBExampleComV1"; generate them into separate output folders',
    );
  });

  it('refuses two resources of a group version with the same accessor or helper, and the client members', () => {
    const p = new CrdPlanner();
    p.add(crd('x.example.com', 'v1', 'Foo', 'foos'));
    expect(() => p.add(crd('x.example.com', 'v1', 'FOO', 'foox'))).toThrow(
      /would both get the apply configuration helper "fooApplyConfiguration"/,
    );
    expect(() => p.add(crd('x.example.com', 'v1', 'RestClient', 'restclient'))).toThrow(
      /the client class and .* would both get the resource accessor "restClient"/,
    );
  });

  it('names kinds, lists and types files; a kind name a nested type took first gets the next free name', () => {
    const p = new CrdPlanner();
    const { gv, resource } = p.add(crd('dns.example.com', 'v1', 'Set'));
    expect(resource).toMatchObject({
      typeName: 'Set',
      listTypeName: 'SetList',
      file: 'types/dns_example_com/v1/sets.ts',
    });
    expect(gv.names.claim('SetSpec')).toBe('SetSpec'); // Set's nested spec type
    expect(p.add(crd('dns.example.com', 'v1', 'SetSpec')).resource.typeName).toBe('SetSpec2');
    expect(p.add(crd('dns.example.com', 'v1', 'ObjectMeta')).resource.typeName).toBe('ObjectMeta2');
    expect(p.groupVersions()[0]!.resources.map((r) => r.crd.kind)).toEqual(['ObjectMeta', 'Set', 'SetSpec']);
  });
});
