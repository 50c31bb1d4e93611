// Group/version/kind/resource identifiers and their string forms ("apps/v1", "v1").

/** An API group and version; the core group is "". */
export interface GroupVersion {
  group: string;
  version: string;
}
/** A kind within a group version. */
export interface GroupVersionKind extends GroupVersion {
  kind: string;
}
/** A resource (plural, lower case) within a group version. */
export interface GroupVersionResource extends GroupVersion {
  resource: string;
}
/** A resource within a group. */
export interface GroupResource {
  group: string;
  resource: string;
}
/** A kind within a group. */
export interface GroupKind {
  group: string;
  kind: string;
}

/**
 * Parses "apps/v1" or "v1" (core group).
 *
 * @example
 * parseGroupVersion('apps/v1'); // { group: 'apps', version: 'v1' }
 */
export function parseGroupVersion(s: string): GroupVersion {
  if (s === '' || s === '/') return { group: '', version: '' };
  const parts = s.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  throw new Error(`unexpected GroupVersion string: ${s}`);
}

/**
 * Formats a group version as an apiVersion string.
 *
 * @example
 * groupVersionString({ group: '', version: 'v1' }); // 'v1'
 */
export function groupVersionString(gv: GroupVersion): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/**
 * The GroupVersionKind of an apiVersion and kind; an apiVersion that does not parse gives an
 * empty group and version (client-go's FromAPIVersionAndKind).
 *
 * @example
 * gvkFromApiVersionKind('apps/v1', 'Deployment'); // { group: 'apps', version: 'v1', kind: 'Deployment' }
 */
export function gvkFromApiVersionKind(apiVersion: string, kind: string): GroupVersionKind {
  try {
    return { ...parseGroupVersion(apiVersion), kind };
  } catch {
    return { group: '', version: '', kind };
  }
}

/**
 * Formats a GVR as client-go prints it: "apps/v1, Resource=deployments", and with the slash
 * kept for the core group: "/v1, Resource=pods".
 *
 * @example
 * gvrString({ group: 'apps', version: 'v1', resource: 'deployments' });
 */
export function gvrString(gvr: GroupVersionResource): string {
  return `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;
}

/**
 * Formats a GVK as client-go prints it: "apps/v1, Kind=Deployment", and with the slash kept for
 * the core group: "/v1, Kind=Pod".
 *
 * @example
 * gvkString({ group: '', version: 'v1', kind: 'Pod' }); // '/v1, Kind=Pod'
 */
export function gvkString(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}

/**
 * Parses "deployments.v1.apps" or "deployments.apps" as kubectl does (resource.version.group).
 *
 * @example
 * parseResourceArg('deployments.v1.apps'); // { gvr: { group: 'apps', version: 'v1', resource: 'deployments' }, gr: {...} }
 */
export function parseResourceArg(arg: string): { gvr?: GroupVersionResource; gr: GroupResource } {
  const dot = arg.indexOf('.');
  if (dot < 0) return { gr: { group: '', resource: arg } };
  const resource = arg.slice(0, dot);
  const rest = arg.slice(dot + 1);
  const gr = { group: rest, resource };
  const dot2 = rest.indexOf('.');
  if (dot2 < 0) return { gr };
  return { gvr: { resource, version: rest.slice(0, dot2), group: rest.slice(dot2 + 1) }, gr };
}
