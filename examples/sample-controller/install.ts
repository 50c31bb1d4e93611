// Installs the Foo CRD through the typed apiextensions client and waits until the apiserver serves it.
import { readFile } from 'node:fs/promises';
import { isAlreadyExists, isNotFound } from 'kube-client/apimachinery';
import { type apiextensions_v1, Clientset } from 'kube-client/kubernetes';
import type { Config } from 'kube-client/rest';
import { pollUntilContextTimeout } from 'kube-client/util/wait';
import { parse } from 'yaml';
import { Clientset as FooClientset } from './generated/index.js';

/**
 * Creates the CRD from `crdPath` (if missing) and waits until it is Established and Foos can be listed.
 *
 * @example
 * await installFooCrd(config, 'examples/sample-controller/crd.yaml');
 */
export async function installFooCrd(config: Config, crdPath: string, signal?: AbortSignal): Promise<void> {
  const crd: apiextensions_v1.CustomResourceDefinition = parse(await readFile(crdPath, 'utf8'));
  const crds = Clientset.forConfig(config).apiextensionsV1.customResourceDefinitions;
  try {
    await crds.create(crd);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const foos = FooClientset.forConfig(config).samplecontrollerV1alpha1.foos('default');
  await pollUntilContextTimeout(signal, 200, 60_000, true, async () => {
    const got = await crds.get(crd.metadata?.name ?? '');
    if (!got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
    try {
      await foos.list({ limit: 1 });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  });
}
