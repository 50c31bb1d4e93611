// Reading CRD input: document splitting, Lists, JSON, folders, and the messages for text that is
// not YAML or is a Helm template.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CodegenError,
  documentsOf,
  inputFiles,
  readDocuments,
  splitYamlDocuments,
} from '../../../src/codegen/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kube-client-gen-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sources = (text: string) => [...documentsOf(text, 'in.yaml')].map((d) => d.source);
const values = (text: string) => [...documentsOf(text, 'in.yaml')].map((d) => d.value);

describe('splitYamlDocuments', () => {
  it.each([
    ['one document', 'a: 1\n', [['a: 1\n', 0]]],
    ['a leading marker', '---\na: 1\n', [['\na: 1\n', 0]]],
    [
      'markers between documents',
      'a: 1\n---\nb: 2\n--- # c\nc: 3\n',
      [
        ['a: 1\n', 0],
        ['\nb: 2\n', 1],
        [' # c\nc: 3\n', 3],
      ],
    ],
    [
      'end markers',
      'a: 1\n...\n---\nb: 2\n',
      [
        ['a: 1\n', 0],
        ['\nb: 2\n', 2],
      ],
    ],
    ['empty documents dropped', '---\n---\na: 1\n---\n', [['\na: 1\n', 1]]],
    ['dashes inside a line are no marker', 'a: "---"\nb: ---x\n', [['a: "---"\nb: ---x\n', 0]]],
  ])('%s', (_name, text, chunks) => {
    expect([...splitYamlDocuments(text)]).toEqual(chunks);
  });
});

describe('documentsOf', () => {
  it('gives each document with its number, and the items of a List', () => {
    const text = 'kind: A\n---\napiVersion: v1\nkind: List\nitems:\n  - kind: B\n  - kind: C\n---\nkind: D\n';
    expect(sources(text)).toEqual([
      'in.yaml (document 1)',
      'in.yaml (document 2, item 1)',
      'in.yaml (document 2, item 2)',
      'in.yaml (document 3)',
    ]);
    expect(values(text)).toEqual([{ kind: 'A' }, { kind: 'B' }, { kind: 'C' }, { kind: 'D' }]);
  });

  it('opens a CustomResourceDefinitionList too, and reads JSON objects, arrays and Lists', () => {
    expect(values('kind: CustomResourceDefinitionList\nitems: [{kind: X}]\n')).toEqual([{ kind: 'X' }]);
    expect(sources('{"kind":"A"}')).toEqual(['in.yaml']);
    expect(sources('[{"kind":"A"},{"kind":"B"}]')).toEqual(['in.yaml (item 1)', 'in.yaml (item 2)']);
    expect(sources('{"kind":"List","items":[{"kind":"A"}]}')).toEqual(['in.yaml (item 1)']);
  });

  it('skips empty documents and keeps a CRD (which has a spec) whole even if its kind ended in List', () => {
    expect(values('---\n# nothing\n---\nkind: FooList\nspec: {}\nitems: []\n')).toEqual([
      { kind: 'FooList', spec: {}, items: [] },
    ]);
  });

  it.each([
    [
      'a YAML error in a later document, with its line in the file',
      'a: 1\n---\nb: [1, 2\n',
      /^in\.yaml: not valid YAML: .*at line 4, column 1$/,
    ],
    ['duplicate keys', 'kind: A\nkind: B\n', /^in\.yaml: not valid YAML: Map keys must be unique/],
    [
      'a Helm template that is not YAML',
      '{{- if .Values.crds }}\nkind: CustomResourceDefinition\n{{- end }}\n',
      /^in\.yaml: looks like a Helm template \(\{\{ \.\.\. \}\}\): render it first \(helm template /,
    ],
    [
      'a Helm template that happens to be YAML',
      'kind: CustomResourceDefinition\nmetadata: { name: "x.{{ .Values.group }}" }\nspec: { group: "{{ .Values.group }}" }\n',
      /^in\.yaml: looks like a Helm template/,
    ],
  ])('refuses %s', (_name, text, message) => {
    let err: unknown;
    try {
      [...documentsOf(text, 'in.yaml')];
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CodegenError);
    expect((err as Error).message).toMatch(message);
  });

  it('does not take {{ in a description for a template', () => {
    const text =
      'kind: CustomResourceDefinition\nmetadata: { name: a.b.c }\nspec: { group: b.c, description: "use {{ .x }}" }\n';
    expect(values(text)).toHaveLength(1);
  });
});

describe('inputFiles', () => {
  it("lists a folder's .yaml, .yml and .json files recursively in path order, skipping other and hidden files", async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'b'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    for (const f of ['z.yaml', 'a.yml', 'b/c.json', 'notes.md', '.hidden.yaml', '.git/x.yaml'])
      writeFileSync(join(root, f), '');
    const single = join(dir, 'single.txt');
    writeFileSync(single, '');
    expect(await inputFiles([root, single, root])).toEqual([
      join(root, 'a.yml'),
      join(root, 'b/c.json'),
      join(root, 'z.yaml'),
      single,
    ]);
  });

  it.each([
    ['a missing path', 'missing', /^cannot read CRD file .*missing: no such file or folder$/],
    ['a folder without CRD files', 'empty', /empty: a folder with no \.yaml, \.yml or \.json file$/],
  ])('refuses %s', async (_name, name, message) => {
    const path = join(dir, name);
    if (name === 'empty') mkdirSync(path);
    await expect(inputFiles([path])).rejects.toThrow(message);
  });
});

describe('readDocuments', () => {
  const collect = async (path: string, streamAbove: number) => {
    const out: unknown[] = [];
    for await (const d of readDocuments(path, streamAbove)) out.push([d.source, d.value]);
    return out;
  };

  it.each([
    ['YAML documents', 'a: 1\n---\nkind: List\nitems: [{b: 2}]\n...\n--- # c\nc: 3\n'],
    ['JSON', '{"kind":"List","items":[{"a":1},{"b":2}]}\n'],
    ['one document without markers', 'a: 1\nb: [1, 2]\n'],
  ])('gives the same %s whether it reads the file whole or line by line', async (_name, text) => {
    const path = join(dir, 'stream.yaml');
    writeFileSync(path, text);
    const whole = await collect(path, Number.MAX_SAFE_INTEGER);
    expect(whole.length).toBeGreaterThan(0);
    expect(await collect(path, 0)).toEqual(whole);
  });

  it.each([
    ['after ---', 'a: 1\n---\nb: [1, 2\n'],
    ['after ...', 'a: 1\n...\nb: [1, 2\n'],
  ])('reports the same line of a YAML error %s either way', async (_name, text) => {
    const path = join(dir, 'stream-bad.yaml');
    writeFileSync(path, text);
    const whole = await collect(path, Number.MAX_SAFE_INTEGER).catch((e: Error) => e.message);
    expect(whole).toMatch(/at line 4, column 1$/);
    expect(await collect(path, 0).catch((e: Error) => e.message)).toBe(whole);
  });
});
