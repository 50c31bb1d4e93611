// The `kube-client-gen` command: generate TypeScript types and typed clients from an OpenAPI v2
// spec or from CRDs (files, Lists, folders). Every run ends with a line saying what was written
// where, or what is wrong.
import { generate } from './generate.js';

const USAGE = `Usage: kube-client-gen (--spec <openapi.json> | --crd <crd.yaml|folder> ...) --out <dir> [--runtime <kube-client|relative path>]

  --spec     Kubernetes OpenAPI v2 JSON (e.g. from GET /openapi/v2)
  --crd      CustomResourceDefinitions (apiextensions.k8s.io/v1): a YAML or JSON file (several
             documents, or a List as "kubectl get crd -o yaml" prints), or a folder of such files;
             give --crd several times for several files or folders
  --out      output folder (replaced; must be new, empty or an earlier output of kube-client-gen)
  --runtime  where generated code imports kube-client from (default: kube-client)
  --help     show this help
`;

const OPTIONS = ['--spec', '--crd', '--out', '--runtime'] as const;
type Option = (typeof OPTIONS)[number];

/** Options that may be given several times. */
const REPEATABLE: readonly Option[] = ['--crd'];

/** Parses `--name value` and `--name=value` options; returns the options or a one-line problem. */
function parseArgs(argv: string[]): { options: Partial<Record<Option, string>>; crds: string[] } | { problem: string } {
  const options: Partial<Record<Option, string>> = {};
  const crds: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(OPTIONS as readonly string[]).includes(name)) {
      return { problem: arg.startsWith('-') ? `unknown option "${name}"` : `unexpected argument "${arg}"` };
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      return { problem: `${name} needs a value` };
    }
    if (name === '--crd') crds.push(value);
    if (options[name as Option] !== undefined && !REPEATABLE.includes(name as Option)) {
      return { problem: `${name} is given more than once` };
    }
    options[name as Option] = value;
  }
  if (options['--spec'] && options['--crd']) return { problem: 'give --spec or --crd, not both' };
  if (!options['--spec'] && !options['--crd']) return { problem: 'missing --spec <openapi.json> or --crd <crd.yaml>' };
  if (!options['--out']) return { problem: 'missing --out <dir>' };
  return { options, crds };
}

/**
 * Runs the generator CLI and resolves with an exit code: 0 when the code was generated (progress
 * and a final summary on stdout), 2 for a usage error, 1 when generation failed (a one-line reason
 * on stderr; the output folder is then left as it was, or absent). Input the generator cannot turn
 * into code that compiles (colliding names, conflicting repeats, v1beta1 CRDs, Helm templates)
 * fails; it is never written half-right.
 *
 * @example
 * process.exitCode = await runCodegenCli(['--crd', 'crd.yaml', '--out', 'src/gen']);
 */
export async function runCodegenCli(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const parsed = parseArgs(argv);
  if ('problem' in parsed) {
    process.stderr.write(`kube-client-gen: ${parsed.problem}.\nRun "kube-client-gen --help" for usage.\n`);
    return 2;
  }
  const { '--spec': specPath, '--out': outDir = '', '--runtime': runtime } = parsed.options;
  try {
    const r = await generate({
      specPath,
      crdPaths: parsed.crds,
      outDir,
      runtime,
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
