// Example: server-side apply with a field manager. Each manager owns the fields it applies; the
// server merges, and a second manager changing an owned field is a Conflict unless it forces.
import type { core_v1, Clientset } from 'kube-client/kubernetes';

/**
 * Applies the ConfigMap `name` with `data` as `manager`; `force` takes fields from other managers.
 *
 * @example
 * await applySettings(cs, 'default', 'settings', { color: 'blue' }, 'my-controller');
 */
export function applySettings(
  cs: Clientset,
  namespace: string,
  name: string,
  data: Record<string, string>,
  manager: string,
  force = false,
): Promise<core_v1.ConfigMap> {
  return cs.coreV1
    .configMaps(namespace)
    .apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data },
      { fieldManager: manager, force },
    );
}

/** The managers that own fields of an object, by name. */
export function managersOf(obj: core_v1.ConfigMap): string[] {
  return (obj.metadata?.managedFields ?? []).map((f) => f.manager ?? '').sort();
}
