// What a generator run reports; its own module so that the OpenAPI path (generate.ts) and the
// CRD path (crd-generate.ts), which generate.ts calls, do not import each other.

/**
 * What was generated.
 *
 * @example
 * const { files, bytes } = await generate({ crdPath: 'crd.yaml', outDir: 'generated' });
 */
export interface GenerateResult {
  files: number;
  bytes: number;
  definitions: number;
  groupVersions: number;
  kinds: number;
}
