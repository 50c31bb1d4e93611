// kube-client-gen on a large synthetic CRD input (issue 23: a 2,065-CRD provider took 24.7 s and
// 1.4 GB). Writes N CRDs (default 2,000; BENCH_CRDS to change) shaped like a large generated cloud
// provider's (spec.forProvider / initProvider / status.atProvider with nested objects, arrays, maps
// and long descriptions; ~480 group versions) as one file per CRD plus one multi-document file,
// runs the built CLI on each in its own process and reports wall time, peak RSS and output size.
// Runs the built package: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

const N = Number(process.env.BENCH_CRDS ?? 2000);
const GROUPS = 240;
const dir = mkdtempSync(join(tmpdir(), 'kube-client-gen-bench-'));

const desc = (what) =>
  `${what} is a field of the synthetic provider, described as generated providers do: ` +
  'the value is passed to the cloud API as it is; changing it replaces the resource.';

/** A parameters object with nested blocks, arrays of blocks and maps, about 3 levels deep. */
function parameters(seed, depth = 0) {
  const properties = {};
  for (let i = 0; i < 10; i++) {
    const name = `field${seed % 7}${i}`;
    properties[name] = { type: ['string', 'integer', 'boolean', 'number'][i % 4], description: desc(name) };
  }
  properties.tags = { type: 'object', additionalProperties: { type: 'string' }, description: desc('tags') };
  properties.region = { type: 'string', enum: ['eu-west-1', 'us-east-1', 'ap-south-1'], description: desc('region') };
  if (depth < 2) {
    for (const block of depth === 0 ? ['network', 'storage'] : ['rule']) {
      properties[`${block}Config`] = {
        type: 'array',
        description: desc(block),
        items: { type: 'object', properties: parameters(seed + block.length, depth + 1).properties },
      };
    }
    properties.selector = {
      type: 'object',
      description: desc('selector'),
      properties: {
        matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
        policy: { type: 'object', properties: { resolve: { type: 'string', enum: ['Always', 'IfNotPresent'] } } },
      },
    };
  }
  return { type: 'object', properties };
}

function crd(i) {
  const g = i % GROUPS;
  const group = `service${g}.synthetic.example.io`;
  const kind = `Resource${i}`;
  const plural = `resource${i}s`;
  const versions = [
    {
      name: i % 2 ? 'v1beta1' : 'v1alpha1',
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          description: `${kind} is a managed resource of the synthetic provider.`,
          type: 'object',
          required: ['spec'],
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { type: 'object' },
            spec: {
              type: 'object',
              required: ['forProvider'],
              properties: {
                forProvider: parameters(i),
                initProvider: parameters(i + 1),
                deletionPolicy: { type: 'string', enum: ['Orphan', 'Delete'], default: 'Delete' },
                providerConfigRef: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string' }, kind: { type: 'string' } },
                },
              },
            },
            status: {
              type: 'object',
              properties: {
                atProvider: parameters(i + 2),
                conditions: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['type', 'status'],
                    properties: {
                      type: { type: 'string' },
                      status: { type: 'string' },
                      lastTransitionTime: { type: 'string', format: 'date-time' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  ];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: { group, scope: 'Cluster', names: { kind, plural, listKind: `${kind}List` }, versions },
  };
}

/** Block-style YAML as controller-gen and kubectl write it, one file per CRD. */
const folder = join(dir, 'crds');
mkdirSync(folder);
const docs = [];
for (let i = 0; i < N; i++) {
  const text = stringify(crd(i), { lineWidth: 0 });
  writeFileSync(join(folder, `crd-${String(i).padStart(5, '0')}.yaml`), text);
  docs.push(text);
}
const multi = join(dir, 'all.yaml');
writeFileSync(multi, docs.join('---\n'));
const inputMb = statSync(multi).size / 1e6;
process.stdout.write(`bench: ${N} CRDs, ${inputMb.toFixed(0)} MB of input, in ${dir}\n`);

function dirSize(p) {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(p, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { bytes, files };
}

for (const [label, input] of [
  ['a folder of files', folder],
  ['one multi-document file', multi],
]) {
  const out = join(dir, `out-${label.split(' ')[1]}`);
  const started = Date.now();
  // GNU time's %M: the peak resident set size of the generator's process, in KiB, on stderr.
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, 'bin/kube-client-gen.js', '--crd', input, '--out', out],
    {
      encoding: 'utf8',
    },
  );
  const ms = Date.now() - started;
  if (r.status !== 0) throw new Error(`kube-client-gen failed: ${r.stderr}`);
  const peakKb = Number(r.stderr.trim().split('\n').pop());
  const lines = r.stdout.trimEnd().split('\n');
  const progress = lines.filter((l) => /^codegen: read(ing)? /.test(l)).length;
  const { bytes, files } = dirSize(out);
  process.stdout.write(
    `bench: ${label}: ${(ms / 1000).toFixed(1)} s, peak RSS ${(peakKb / 1024).toFixed(0)} MB, ${files} files, ` +
      `${(bytes / 1e6).toFixed(0)} MB written, ${progress} progress lines\n  ${lines.at(-1)}\n`,
  );
}
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
