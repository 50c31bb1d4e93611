// Installs a CRD from a YAML file through the typed apiextensions client and waits until it is
// Established (the apiserver then serves its resources).
import { readFile } from 'node:fs/promises';
import { isAlreadyExists } from 'kube-client/apimachinery';
import type { apiextensions_v1, Clientset } from 'kube-client/kubernetes';
import { pollUntilContextTimeout } from 'kube-client/util/wait';
import { parse } from 'yaml';

/**
 * Creates the CRD unless it exists, then waits until it is Established.
 *
 * @example
 * await installCrd(mgr.clientset, 'examples/sample-controller/crd.yaml');
 */
export async function installCrd(cs: Clientset, path: string, signal?: AbortSignal): Promise<void> {
  const crd = parse(await readFile(path, 'utf8')) as apiextensions_v1.CustomResourceDefinition;
  const crds = cs.apiextensionsV1.customResourceDefinitions;
  await crds.create(crd).catch((err: unknown) => {
    if (!isAlreadyExists(err)) throw err;
  });
  await pollUntilContextTimeout(signal, 200, 60_000, true, async () => {
    const got = await crds.get(crd.metadata?.name ?? '');
    return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
  });
}
