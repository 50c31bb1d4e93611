// The import graph of src/, read with the TypeScript parser: every import and export-from
// statement, `import type` included, and every dynamic import() with a literal specifier.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/** One edge: `from` imports `to` (both paths relative to the source root, with `.ts`). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** 1-based line of the statement. */
  readonly line: number;
  /** `import type` / `export type` (the whole statement is erased at compile time). */
  readonly typeOnly: boolean;
}

/** Every .ts file under `root` (relative paths, sorted), `.d.ts` files excluded. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * The relative imports of one file's text. Package imports (node:, undici, ...) are not edges.
 *
 * @example
 * importsOf('a/b.ts', "import type { X } from '../c.js';")[0]; // { to: 'c.ts', typeOnly: true, ... }
 */
export function importsOf(file: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const edges: ImportEdge[] = [];
  const add = (spec: ts.Expression | undefined, node: ts.Node, typeOnly: boolean): void => {
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) return;
    const to = normalize(join(dirname(file), spec.text)).replace(/\.js$/, '.ts');
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    edges.push({ from: file, to, specifier: spec.text, line, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], node, false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node.argument.literal as ts.Expression, node, true);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** The import graph of every file under `root`. */
export function importGraph(root: string): { files: string[]; edges: ImportEdge[] } {
  const files = sourceFiles(root);
  const edges = files.flatMap((f) => importsOf(f, readFileSync(join(root, f), 'utf8')));
  return { files, edges };
}

/**
 * The strongly connected components with more than one node (the cycles), by Tarjan's algorithm;
 * each component is sorted, the list is sorted by first member.
 *
 * @example
 * cycles(['a', 'b'], [['a', 'b'], ['b', 'a']]); // [['a', 'b']]
 */
export function cycles(nodes: readonly string[], edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const [a, b] of edges) if (a !== b) next.get(a)?.push(b);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) strong(n);
  return out.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}
