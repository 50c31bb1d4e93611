// The `kube-client-gen` command: generate TypeScript types and typed clients from an OpenAPI v2
// spec or from CRD YAML.
import { generate } from './generate.js';

const USAGE = `Usage: kube-client-gen (--spec <openapi.json> | --crd <crd.yaml>) --out <dir> [--runtime <kube-client|relative path>]

  --spec     Kubernetes OpenAPI v2 JSON (e.g. from GET /openapi/v2)
  --crd      CustomResourceDefinition YAML (one or more documents)
  --out      output folder (replaced)
  --runtime  where generated code imports kube-client from (default: kube-client)
`;

/**
 * Runs the generator CLI and resolves with an exit code.
 *
 * @example
 * process.exitCode = await runCodegenCli(['--crd', 'crd.yaml', '--out', 'src/gen']);
 */
export async function runCodegenCli(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const outDir = arg('--out');
  const specPath = arg('--spec');
  const crdPath = arg('--crd');
  if (argv.includes('--help') || !outDir || (!specPath && !crdPath)) {
    process.stdout.write(USAGE);
    return argv.includes('--help') ? 0 : 2;
  }
  try {
    const r = await generate({
      specPath,
      crdPath,
      outDir,
      runtime: arg('--runtime'),
      log: (l) => process.stdout.write(`${l}\n`),
    });
    process.stdout.write(
      `kube-client-gen: done: ${r.kinds} resources in ${r.groupVersions} group versions, ${r.files} files in ${outDir}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`kube-client-gen: ${(err as Error).message}\n`);
    return 1;
  }
}
