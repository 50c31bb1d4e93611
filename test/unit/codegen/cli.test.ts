// The `kube-client-gen` command line (src/codegen/cli.ts, run by bin/kube-client-gen.js): help, usage
// errors, unreadable or malformed input, the output-folder guard, the summary line, reproducible output.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodegenError, generate, runCodegenCli } from '../../../src/codegen/index.js';
import { expectBuilt, runCaptured, runNode } from '../../support/cli.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer, description: How big. }
`;

const SPEC = {
  swagger: '2.0',
  info: { title: 'Demo', version: 'v1' },
  definitions: {
    'io.k8s.api.demo.v1.Gadget': {
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, color: { type: 'string' } },
      'x-kubernetes-group-version-kind': [{ group: 'demo.example.com', version: 'v1', kind: 'Gadget' }],
    },
    'io.k8s.api.demo.v1.GadgetList': {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', items: { $ref: '#/definitions/io.k8s.api.demo.v1.Gadget' } } },
    },
  },
  paths: {
    '/apis/demo.example.com/v1/gadgets': {
      get: {
        'x-kubernetes-action': 'list',
        'x-kubernetes-group-version-kind': { group: 'demo.example.com', version: 'v1', kind: 'Gadget' },
        responses: { '200': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.GadgetList' } } },
      },
      post: {
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': { group: 'demo.example.com', version: 'v1', kind: 'Gadget' },
        responses: { '201': { schema: { $ref: '#/definitions/io.k8s.api.demo.v1.Gadget' } } },
      },
    },
  },
};

const USAGE_HINT = 'Run "kube-client-gen --help" for usage.\n';

let dir: string;
let crdPath: string;
let specPath: string;
let counter = 0;

/** A fresh, not yet existing output folder. */
const newOut = () => join(dir, `out-${++counter}`);

/** Runs the CLI in-process with stdout and stderr captured. */
const run = (argv: string[]) => runCaptured(() => runCodegenCli(argv));

/** Every file under `root`, keyed by relative path, with its text. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(root.length + 1)] = readFileSync(path, 'utf8');
  }
  return files;
}

/** Replaces `<crd>`, `<spec>` and `<out>` placeholders of a table row with real paths. */
const fill = (argv: string[], out: string) =>
  argv.map((a) => a.replace('<crd>', crdPath).replace('<spec>', specPath).replace('<out>', out));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-client-gen-cli-'));
  crdPath = join(dir, 'widgets.yaml');
  specPath = join(dir, 'openapi.json');
  writeFileSync(crdPath, CRD);
  writeFileSync(specPath, JSON.stringify(SPEC));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kube-client-gen help and usage errors', () => {
  it.each([['--help'], ['-h'], ['--crd', '<crd>', '--help']])('%s prints the usage and exits 0', async (...args) => {
    const r = await run(fill(args, newOut()));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(
      /^Usage: kube-client-gen \(--spec <openapi\.json> \| --crd <crd\.yaml\|folder> \.\.\.\) --out <dir>/,
    );
    for (const flag of ['--spec', '--crd', '--out', '--runtime']) expect(r.stdout).toContain(`\n  ${flag} `);
  });

  it.each([
    [[], 'missing --spec <openapi.json> or --crd <crd.yaml>'],
    [['--crd', '<crd>'], 'missing --out <dir>'],
    [['--out', '<out>'], 'missing --spec <openapi.json> or --crd <crd.yaml>'],
    [['--crd', '<crd>', '--out', '<out>', '--bogus'], 'unknown option "--bogus"'],
    [['--crd', '<crd>', '--out=<out>', '-x'], 'unknown option "-x"'],
    [['--crd', '<crd>', '--out', '<out>', 'extra'], 'unexpected argument "extra"'],
    [['--crd', '--out', '<out>'], '--crd needs a value'],
    [['--crd', '<crd>', '--out'], '--out needs a value'],
    [['--crd=', '--out', '<out>'], '--crd needs a value'],
    [['--crd', '<crd>', '--spec', '<spec>', '--out', '<out>'], 'give --spec or --crd, not both'],
    [['--crd', '<crd>', '--out', '<out>', '--out', '<out>'], '--out is given more than once'],
  ])('%j: one-line error "%s" with a usage hint, exit 2, nothing written', async (args, problem) => {
    const out = newOut();
    const r = await run(fill(args, out));
    expect(r).toEqual({ code: 2, stdout: '', stderr: `kube-client-gen: ${problem}.\n${USAGE_HINT}` });
    expect(existsSync(out)).toBe(false);
  });
});

describe('kube-client-gen input problems', () => {
  it.each([
    ['--crd', 'missing.yaml', 'cannot read CRD file <path>: no such file or folder'],
    ['--spec', 'missing.json', 'cannot read OpenAPI spec <path>: no such file or folder'],
    ['--crd', 'empty-folder', '<path>: a folder with no .yaml, .yml or .json file'],
  ])('%s %s: names the path and the reason, exit 1, nothing written', async (flag, name, message) => {
    const path = join(dir, name);
    if (name === 'empty-folder') mkdirSync(path, { recursive: true });
    const out = newOut();
    const r = await run([flag, path, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`kube-client-gen: ${message.replace('<path>', path)}\n`);
    expect(r.stdout).not.toContain('done');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['--crd', 'bad.yaml', 'a: [1, 2\n', /: not valid YAML: Flow sequence .* at line 2, column 1$/],
    ['--crd', 'dup.yaml', 'kind: CustomResourceDefinition\nkind: Other\n', /: not valid YAML: Map keys must be unique/],
    ['--crd', 'empty.yaml', '', /: no CustomResourceDefinition with a served version; nothing to generate$/],
    [
      '--crd',
      'configmap.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
      /: no CustomResourceDefinition with a served version; nothing to generate$/,
    ],
    [
      '--crd',
      'unserved.yaml',
      CRD.replace('served: true', 'served: false'),
      /: no CustomResourceDefinition with a served version; nothing to generate$/,
    ],
    [
      '--crd',
      'half.yaml',
      'kind: CustomResourceDefinition\nmetadata: { name: half.example.com }\n',
      /: CustomResourceDefinition half\.example\.com lacks spec\.group, spec\.names\.kind, spec\.names\.plural, spec\.versions \(each with a name\)$/,
    ],
    [
      '--crd',
      'second.yaml',
      `${CRD}---\nkind: CustomResourceDefinition\nspec: { group: g.example.com, names: { kind: G, plural: gs } }\n`,
      /: CustomResourceDefinition in document 2 lacks spec\.versions \(each with a name\)$/,
    ],
    ['--spec', 'bad.json', '{bad', /: not valid JSON: /],
    ['--spec', 'null.json', 'null', /: not an OpenAPI v2 spec \(a JSON object with "paths" and "definitions"\)$/],
    ['--spec', 'array.json', '[]', /: not an OpenAPI v2 spec/],
    ['--spec', 'crd.json', JSON.stringify({ kind: 'CustomResourceDefinition' }), /: not an OpenAPI v2 spec/],
    ['--spec', 'v3.json', '{"openapi":"3.0.0","paths":{}}', /: an OpenAPI v3 document; give the OpenAPI v2 spec/],
    [
      '--spec',
      'nokinds.json',
      '{"swagger":"2.0","paths":{},"definitions":{}}',
      /: no API resources \(paths with x-kubernetes-group-version-kind\); nothing to generate$/,
    ],
  ])('%s %s: a clear one-line message naming the file, exit 1, nothing written', async (flag, name, text, message) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const out = newOut();
    const r = await run([flag, path, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(2); // one line, no stack trace
    expect(r.stderr.startsWith(`kube-client-gen: ${path}: `)).toBe(true);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stdout).not.toContain('done');
    expect(existsSync(out)).toBe(false);
  });

  it('leaves an earlier output untouched when the new input is broken', async () => {
    const out = newOut();
    expect((await run(['--crd', crdPath, '--out', out])).code).toBe(0);
    const before = snapshot(out);
    const bad = join(dir, 'broken.yaml');
    writeFileSync(bad, 'spec: [\n');
    const r = await run(['--crd', bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('kube-client-gen output folder guard', () => {
  it.each([
    [
      'a folder with other files',
      'mine',
      /is not empty and holds no earlier generator output \(index\.ts\); not replacing it/,
    ],
    ['a file', 'file', /exists and is not a folder; give a new or empty folder for the output$/],
    ['a path under a file', 'under-file', /^cannot use .* as the output folder: a part of the path is not a folder$/],
  ])('refuses %s as --out, leaving it as it was (exit 1)', async (_what, kind, message) => {
    const base = join(dir, `guard-${kind}`);
    let out = base;
    if (kind === 'mine') {
      mkdirSync(base);
      writeFileSync(join(base, 'notes.txt'), 'keep me');
      writeFileSync(join(base, 'index.ts'), 'export const mine = 1;\n');
    } else {
      writeFileSync(base, 'keep me');
      if (kind === 'under-file') out = join(base, 'gen');
    }
    const r = await run(['--crd', crdPath, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr.replace('kube-client-gen: ', '').trimEnd()).toMatch(message);
    expect(r.stderr).toContain(out);
    if (kind === 'mine') expect(readFileSync(join(base, 'notes.txt'), 'utf8')).toBe('keep me');
    else expect(readFileSync(base, 'utf8')).toBe('keep me');
  });

  it('writes into an existing empty folder', async () => {
    const out = newOut();
    mkdirSync(out);
    const r = await run(['--crd', crdPath, '--out', out]);
    expect(r.code).toBe(0);
    expect(Object.keys(snapshot(out))).toContain('index.ts');
  });
});

describe('kube-client-gen successful runs', () => {
  it.each([
    [
      'CRD YAML',
      ['--crd', '<crd>'],
      'reading CRDs from <crd>',
      /^codegen: 1 CRD versions in 1 files, 1 group versions, 1 resources$/,
      [
        'types/example_com/v1.ts',
        'types/example_com/v1/widgets.ts',
        'clientset/exampleComV1.ts',
        'informers.ts',
        'informers/exampleComV1.ts',
        'listers/exampleComV1.ts',
      ],
    ],
    [
      'an OpenAPI v2 spec',
      ['--spec', '<spec>'],
      'reading OpenAPI spec <spec>',
      /^codegen: \d+ definitions, 1 group versions, 1 resources$/,
      ['types/demo/v1.ts', 'clientset/demoExampleComV1.ts'],
    ],
  ])(
    'from %s: progress lines, a final summary of what was written where, exit 0',
    async (_n, args, reading, counts, specific) => {
      const out = newOut();
      const r = await run([...fill(args, out), '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const lines = r.stdout.trimEnd().split('\n');
      const files = ['clientset.ts', 'index.ts', 'kinds.ts', ...specific].sort();
      expect(lines[0]).toBe(`codegen: ${fill([reading], out)[0]}`);
      expect(lines[1]).toMatch(counts);
      expect(lines[2]).toMatch(
        new RegExp(
          `^codegen: wrote ${files.length} files \\(\\d+ KiB\\) to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in \\d+\\.\\d s$`,
        ),
      );
      expect(lines.at(-1)).toBe(
        `kube-client-gen: done: 1 resources in 1 group versions, ${files.length} files in ${out}`,
      );
      expect(Object.keys(snapshot(out)).sort()).toEqual(files);
    },
  );

  it('is reproducible: two runs give identical files, and a rerun replaces its earlier output', async () => {
    const [a, b] = [newOut(), newOut()];
    expect((await run(['--crd', crdPath, '--out', a])).code).toBe(0);
    const first = snapshot(a);
    writeFileSync(join(a, 'stale.ts'), '// left over\n');
    expect((await run(['--crd', crdPath, '--out', a])).code).toBe(0);
    expect((await run(['--crd', crdPath, '--out', b])).code).toBe(0);
    expect(snapshot(a)).toEqual(first);
    expect(snapshot(b)).toEqual(first);
  });

  it('takes --name=value options, and --runtime sets where generated code imports kube-client from', async () => {
    const [byName, byPath] = [newOut(), newOut()];
    expect((await run([`--crd=${crdPath}`, `--out=${byName}`])).code).toBe(0);
    expect((await run(['--runtime', '../../src', '--crd', crdPath, '--out', byPath])).code).toBe(0);
    expect(readFileSync(join(byName, 'clientset.ts'), 'utf8')).toContain("from 'kube-client/rest'");
    expect(readFileSync(join(byPath, 'clientset.ts'), 'utf8')).toContain("from '../../src/rest/index.js'");
  });
});

describe('bin/kube-client-gen.js', () => {
  const node = runNode;
  const built = () => expectBuilt('dist/esm/codegen/cli.js');

  it('runs the built CLI: --help exits 0 with the usage', async () => {
    built();
    const r = await node('bin/kube-client-gen.js', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kube-client-gen /);
  });

  it('passes a failure on as a non-zero exit code with the message on stderr', async () => {
    built();
    const missing = join(dir, 'nope.yaml');
    const r = await node('bin/kube-client-gen.js', ['--crd', missing, '--out', newOut()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kube-client-gen: .*nope\.yaml/);
  });

  it('says to build the package first when dist is missing, exit 1', async () => {
    const bin = join(dir, 'unbuilt', 'bin', 'kube-client-gen.js');
    mkdirSync(join(dir, 'unbuilt', 'bin'), { recursive: true });
    copyFileSync('bin/kube-client-gen.js', bin);
    writeFileSync(join(dir, 'unbuilt', 'package.json'), '{"type":"module"}');
    const r = await node(bin, ['--help']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'kube-client-gen: the package is not built yet; run "npm run build" in its folder first.\n',
    });
  });
});

describe('generate() as a library', () => {
  it.each([
    ['a missing CRD file', () => ({ crdPath: join(dir, 'missing.yaml') })],
    [
      'an OpenAPI v3 document',
      () => {
        const specPath = join(dir, 'v3.json');
        writeFileSync(specPath, JSON.stringify({ openapi: '3.0.0' }));
        return { specPath };
      },
    ],
  ])('rejects %s with a CodegenError', async (_n, input) => {
    const err = await generate({ ...input(), outDir: newOut(), log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodegenError);
  });
});
