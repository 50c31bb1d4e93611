// Example: a custom resource defined in TypeScript. One schema object gives the CRD manifest (with
// the structural OpenAPI v3 schema the apiserver validates with), the type of its objects and a
// typed client: no YAML to keep in step with the code.
import { isAlreadyExists } from 'kube-client/apimachinery';
import { type CustomResourceOf, defineCustomResource, integer, object, optional, string } from 'kube-client/controller';
import type { Clientset } from 'kube-client/kubernetes';
import { pollUntilContextTimeout } from 'kube-client/util/wait';

/** Widgets: a size, an optional image and a mode, with a status subresource and kubectl columns. */
export const widgets = defineCustomResource({
  group: 'widgets.example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  shortNames: ['wd'],
  schema: {
    spec: object({
      replicas: integer({ minimum: 0, maximum: 10, description: 'How many.' }),
      image: optional(string({ minLength: 1 })),
      mode: optional(string({ enum: ['Fast', 'Slow'] })),
    }),
    status: object({ readyReplicas: optional(integer({ minimum: 0 })) }),
  },
  printerColumns: [
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
  ],
  subresources: { status: true },
});

/** A Widget, typed from the schema above. */
export type Widget = CustomResourceOf<typeof widgets>;

/**
 * Creates the Widget CRD (unless it exists) and waits until the apiserver serves it.
 *
 * @example
 * await installWidgets(cs);
 * await widgets.client(cs.config, 'default').create({ metadata: { name: 'w' }, spec: { replicas: 1 } });
 */
export async function installWidgets(cs: Clientset, signal?: AbortSignal): Promise<void> {
  const crds = cs.apiextensionsV1.customResourceDefinitions;
  await crds.create(widgets.manifest()).catch((err: unknown) => {
    if (!isAlreadyExists(err)) throw err;
  });
  await pollUntilContextTimeout(signal, 200, 60_000, true, async () => {
    const conditions = (await crds.get(widgets.name)).status?.conditions ?? [];
    return conditions.some((c) => c.type === 'Established' && c.status === 'True');
  });
}
