// Installs the Foo CRD and waits until the apiserver serves it.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { isAlreadyExists, isNotFound } from '../../src/apimachinery/errors.js';
import { DynamicClient, type Unstructured } from '../../src/dynamic/index.js';
import type { Config } from '../../src/rest/index.js';
import { pollUntilContextTimeout } from '../../src/util/wait/index.js';
import { FOO_GVR } from './types.js';

const CRD_GVR = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };

/**
 * Creates the CRD from `crdPath` (if missing) and waits until it is Established and Foos can be listed.
 *
 * @example
 * await installFooCrd(config, 'examples/sample-controller/crd.yaml');
 */
export async function installFooCrd(config: Config, crdPath: string, signal?: AbortSignal): Promise<void> {
  const crd = parse(await readFile(crdPath, 'utf8')) as Unstructured;
  const dyn = DynamicClient.forConfig(config);
  const crds = dyn.resource(CRD_GVR);
  try {
    await crds.create(crd);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  await pollUntilContextTimeout(signal, 200, 60_000, true, async () => {
    const got = (await crds.get(crd.metadata!.name!)) as {
      status?: { conditions?: Array<{ type: string; status: string }> };
    };
    if (!got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
    try {
      await dyn.resource(FOO_GVR).namespace('default').list({ limit: 1 });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  });
}
