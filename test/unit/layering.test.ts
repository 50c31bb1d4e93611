// The layering of src/, checked on its imports. The rule: a file imports only files of its own
// layer or of lower layers (test/support/layers.ts), counting every import and export-from
// statement, `import type` included (a type-only upward import still makes the lower layer's
// declarations depend on the upper one). The API types (layer 0) are interfaces only and are
// imported with `import type` only. No cycle between folders or between files, type-only imports
// included. README.md and docs/CONTRIBUTING.md carry the same table, and the subpath exports of
// package.json are the ones the table lists.
import { readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { cycles, type ImportEdge, importGraph, importsOf } from '../support/import-graph.js';
import { folderOf, LAYERS, type Layer, layerOf, renderLayerTable } from '../support/layers.js';

const SRC = 'src';
const graph = importGraph(SRC);

const describeLayer = (i: number, layers: readonly Layer[]): string => `layer ${i} (${layers[i]?.name})`;

/** Every broken rule of `edges` against `layers`, one line each, naming the file and the import. */
function layerViolations(files: readonly string[], edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const out: string[] = [];
  const known = new Set(files);
  for (const f of files)
    if (layerOf(f, layers) === undefined)
      out.push(`src/${f}: its folder is in no layer (add it to LAYERS in test/support/layers.ts)`);
  for (const e of edges) {
    const at = `src/${e.from}:${e.line} imports '${e.specifier}'`;
    if (!known.has(e.to)) {
      out.push(`${at}: not a .ts file under src/`);
      continue;
    }
    const from = layerOf(e.from, layers);
    const to = layerOf(e.to, layers);
    if (from === undefined || to === undefined) continue;
    if (to > from)
      out.push(
        `${at}: upward import, from ${describeLayer(from, layers)} to ${describeLayer(to, layers)} (src/${e.to})`,
      );
    if (to === 0 && !e.typeOnly) out.push(`${at}: the API types (layer 0) are imported with \`import type\` only`);
  }
  return out;
}

/** Cycles between the table's folders, then between files, as readable lines. */
function cycleViolations(files: readonly string[], edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const folderEdges = edges.map((e) => [folderOf(e.from, layers) ?? e.from, folderOf(e.to, layers) ?? e.to] as const);
  const folders = [...new Set(folderEdges.flat())];
  const lines = cycles(folders, folderEdges).map((c) => {
    const witness = edges
      .filter((e) => c.includes(folderOf(e.from, layers) ?? '') && c.includes(folderOf(e.to, layers) ?? ''))
      .filter((e) => folderOf(e.from, layers) !== folderOf(e.to, layers))
      .map((e) => `src/${e.from}:${e.line} -> '${e.specifier}'`);
    return `folder cycle: ${c.join(' <-> ')} (${witness.join('; ')})`;
  });
  for (const c of cycles(
    files,
    edges.map((e) => [e.from, e.to] as const),
  )) {
    const witness = edges
      .filter((e) => c.includes(e.from) && c.includes(e.to))
      .map((e) => `src/${e.from}:${e.line} -> '${e.specifier}'`);
    lines.push(`file cycle: ${c.map((f) => `src/${f}`).join(' <-> ')} (${witness.join('; ')})`);
  }
  return lines;
}

/** Statements of an API types file that are not types (interfaces, type aliases, type-only imports). */
function runtimeStatements(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  return sf.statements
    .filter(
      (s) =>
        !ts.isInterfaceDeclaration(s) &&
        !ts.isTypeAliasDeclaration(s) &&
        !(ts.isImportDeclaration(s) && s.importClause?.isTypeOnly) &&
        !(ts.isExportDeclaration(s) && s.isTypeOnly),
    )
    .map(
      (s) => `src/${file}:${sf.getLineAndCharacterOfPosition(s.getStart(sf)).line + 1}: ${s.getText(sf).slice(0, 60)}`,
    );
}

describe('the checker finds what it must (a synthetic tree)', () => {
  const layers: Layer[] = [
    { name: 'types', folders: ['types'], exports: [], what: '' },
    { name: 'low', folders: ['low'], exports: [], what: '' },
    { name: 'high', folders: ['high', 'high2'], exports: [], what: '' },
  ];
  const files = ['types/t.ts', 'low/a.ts', 'low/b.ts', 'high/c.ts', 'high2/d.ts'];
  const edges = (text: Record<string, string>): ImportEdge[] =>
    Object.entries(text).flatMap(([f, t]) => importsOf(f, t));

  test('an upward import, type-only or not, names the file, the line and the specifier', () => {
    const v = layerViolations(
      files,
      edges({ 'low/a.ts': "// x\nimport type { C } from '../high/c.js';\nexport { D } from '../high2/d.js';" }),
      layers,
    );
    expect(v).toEqual([
      "src/low/a.ts:2 imports '../high/c.js': upward import, from layer 1 (low) to layer 2 (high) (src/high/c.ts)",
      "src/low/a.ts:3 imports '../high2/d.js': upward import, from layer 1 (low) to layer 2 (high) (src/high2/d.ts)",
    ]);
  });

  test('downward and same-layer imports pass; the API types only with import type', () => {
    const ok = edges({
      'high/c.ts': "import { a } from '../low/a.js';\nimport type { T } from '../types/t.js';",
      'low/a.ts': "import { b } from './b.js';\nexport type * as t from '../types/t.js';",
    });
    expect(layerViolations(files, ok, layers)).toEqual([]);
    const bad = edges({ 'low/b.ts': "import { type T } from '../types/t.js';" });
    expect(layerViolations(files, bad, layers)).toEqual([
      "src/low/b.ts:1 imports '../types/t.js': the API types (layer 0) are imported with `import type` only",
    ]);
  });

  test('a folder outside the table and an import of a missing file are reported', () => {
    const v = layerViolations([...files, 'other/x.ts'], edges({ 'low/a.ts': "import { z } from './z.js';" }), layers);
    expect(v).toEqual([
      'src/other/x.ts: its folder is in no layer (add it to LAYERS in test/support/layers.ts)',
      "src/low/a.ts:1 imports './z.js': not a .ts file under src/",
    ]);
  });

  test('cycles between folders of one layer and between files are reported, type-only edges included', () => {
    const v = cycleViolations(
      files,
      edges({
        'high/c.ts': "import { d } from '../high2/d.js';",
        'high2/d.ts': "import type { C } from '../high/c.js';",
      }),
      layers,
    );
    expect(v).toEqual([
      "folder cycle: high <-> high2 (src/high/c.ts:1 -> '../high2/d.js'; src/high2/d.ts:1 -> '../high/c.js')",
      "file cycle: src/high/c.ts <-> src/high2/d.ts (src/high/c.ts:1 -> '../high2/d.js'; src/high2/d.ts:1 -> '../high/c.js')",
    ]);
  });

  test('a runtime statement in an API types file is reported', () => {
    expect(runtimeStatements('types/t.ts', 'export interface A {}\nexport const x = 1;')).toEqual([
      'src/types/t.ts:2: export const x = 1;',
    ]);
  });
});

describe('src/', () => {
  test('reads the whole tree', () => {
    expect(graph.files.length).toBeGreaterThan(200);
    expect(graph.edges.length).toBeGreaterThan(500);
  });

  test('every file is in a layer and no import goes up a layer', () => {
    expect(layerViolations(graph.files, graph.edges, LAYERS)).toEqual([]);
  });

  test('no cycle between folders or between files', () => {
    expect(cycleViolations(graph.files, graph.edges, LAYERS)).toEqual([]);
  });

  test('the API types layer holds types only', () => {
    const typesFiles = graph.files.filter((f) => layerOf(f, LAYERS) === 0);
    expect(typesFiles.length).toBeGreaterThan(30);
    expect(typesFiles.flatMap((f) => runtimeStatements(f, readFileSync(`${SRC}/${f}`, 'utf8')))).toEqual([]);
  });

  test('every folder of the table exists', () => {
    const folders = new Set(graph.files.map((f) => folderOf(f, LAYERS)));
    expect(LAYERS.flatMap((l) => l.folders).filter((f) => !folders.has(f))).toEqual([]);
  });
});

describe('the docs and package.json agree with the table', () => {
  const table = renderLayerTable(LAYERS);
  // UPDATE_LAYER_TABLE=1 npx vitest run test/unit/layering.test.ts rewrites the docs' tables.
  for (const doc of ['README.md', 'docs/CONTRIBUTING.md']) {
    test(`${doc} carries the layer table`, () => {
      const text = readFileSync(doc, 'utf8');
      const m = /<!-- layers:begin -->\n([\s\S]*?)<!-- layers:end -->/.exec(text);
      expect(m, `${doc} has no <!-- layers:begin --> ... <!-- layers:end --> block`).not.toBeNull();
      if (m?.[1] !== `${table}\n` && process.env.UPDATE_LAYER_TABLE === '1')
        writeFileSync(doc, text.replace(m?.[0] ?? '', `<!-- layers:begin -->\n${table}\n<!-- layers:end -->`));
      else expect(m?.[1], `${doc}'s table differs from test/support/layers.ts`).toBe(`${table}\n`);
    });
  }

  test('the subpath exports of package.json are the ones the table lists', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };
    const listed = LAYERS.flatMap((l) => l.exports)
      .map((e) => e.split(' ')[0] as string)
      .filter((e) => e.startsWith('kube-client/'))
      .map((e) => `./${e.slice('kube-client/'.length)}`);
    const exported = Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json');
    expect([...new Set(listed)].sort()).toEqual(exported.sort());
  });
});
