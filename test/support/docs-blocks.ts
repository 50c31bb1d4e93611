// Every TypeScript block of README.md and docs/*.md as a file of a type-checkable project, so that a
// test (test/unit/docs/code-blocks.test.ts) compiles them all with tsc against this checkout's
// sources. A block that names its file (`// file: src/x.ts`, as docs/controller.md's do) is written
// at that path in its page's folder, so blocks of one page can import each other; any other block
// becomes `block-<n>.ts`, a module of its own (top-level await allowed). Two markers, each on the
// line right before a block's opening fence:
//   <!-- docs-check: fragment -->  the block uses names the surrounding prose introduces (`cs`,
//                                  `config`, `queue`...): it is compiled inside an async function
//                                  that receives them with their types (test/support/docs-context.ts),
//                                  its imports hoisted; `return` is allowed.
//   <!-- docs-check: skip -->      the block is not compiled (it needs generated code or test
//                                  support files that a reader does not have).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DOCS_CONTEXT_NAMES } from './docs-context.js';

/** The marker line of a block compiled with the docs context's names in scope. */
export const FRAGMENT_MARKER = '<!-- docs-check: fragment -->';
/** The marker line of a block that is not compiled. */
export const SKIP_MARKER = '<!-- docs-check: skip -->';

/** One TypeScript block of a page. */
export interface DocsBlock {
  /** The page, relative to the repository root (`docs/rest.md`). */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The file the block names with `// file: path`, if any. */
  file?: string;
  /** The block's marker: compiled as a fragment, or not compiled. */
  marker?: 'fragment' | 'skip';
}

/** README.md and every docs/*.md, relative to `root`. */
export function docsPages(root = '.'): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/** The ```ts / ```typescript blocks of the given pages, in order. */
export function docsBlocks(pages: string[], root = '.'): DocsBlock[] {
  const out: DocsBlock[] = [];
  for (const page of pages) {
    const lines = readFileSync(join(root, page), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(\w*)\s*$/.exec(lines[i]!);
      if (!open) continue;
      let end = i + 1;
      while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
      const lang = open[1];
      if (lang === 'ts' || lang === 'typescript') {
        const code = `${lines.slice(i + 1, end).join('\n')}\n`;
        let before = i - 1;
        while (before >= 0 && lines[before]!.trim() === '') before--;
        out.push({
          page,
          line: i + 1,
          code,
          file: /^\/\/ file: (\S+)\n/.exec(code)?.[1],
          marker: markerOf(before >= 0 ? lines[before]! : ''),
        });
      }
      i = end;
    }
  }
  return out;
}

function markerOf(line: string): DocsBlock['marker'] {
  if (line.trim() === FRAGMENT_MARKER) return 'fragment';
  if (line.trim() === SKIP_MARKER) return 'skip';
  return undefined;
}

/** Leading comments, blank lines and import declarations of a block (they stay at module level). */
const LEADING_IMPORTS =
  /^(?:\s*\/\/[^\n]*\n|\s*\n|\s*import\s[^;]*?from\s*'[^']+';?[^\n]*\n|\s*import\s*'[^']+';?[^\n]*\n)*/;

/**
 * A fragment as a module: its leading imports, one line declaring an async function that receives
 * the docs context, then its code (`lineShift`: 1 for the lines after the imports).
 */
export function wrapFragment(code: string, contextImport: string): { text: string; headLines: number } {
  const head = LEADING_IMPORTS.exec(code)?.[0] ?? '';
  const body = code.slice(head.length);
  const names = DOCS_CONTEXT_NAMES.join(', ');
  const header = `import type { DocsContext } from '${contextImport}'; export async function fragment(ctx: DocsContext): Promise<void> { const { ${names} } = ctx; {`;
  return { text: `${head}${header}\n${body}}}\n`, headLines: head.split('\n').length - 1 };
}

/** The page line of line `n` (1-based) of the file written for `block`. */
export function pageLine(block: DocsBlock, n: number): number {
  if (block.marker !== 'fragment') return block.line + n;
  const { headLines } = wrapFragment(block.code, '');
  return block.line + (n > headLines ? n - 1 : n);
}

/**
 * Writes the blocks that are not fragments into `dir` (emptied first) with a strict tsconfig whose
 * paths resolve `kube-client` and `kube-client/*` to `root`'s sources; returns the tsconfig's path and
 * a map from written file to block (to turn tsc's file:line into page:line).
 */
export function writeDocsProject(
  blocks: DocsBlock[],
  dir: string,
  root = '.',
): { tsconfig: string; files: Map<string, DocsBlock> } {
  rmSync(dir, { recursive: true, force: true });
  const files = new Map<string, DocsBlock>();
  const context = resolve(root, 'test/support/docs-context.js');
  blocks.forEach((b, n) => {
    if (b.marker === 'skip') return;
    const pageDir = b.page.replace(/\.md$/, '').replace(/[^\w/-]/g, '_');
    const rel = join(pageDir, b.file ?? `block-${n}-line-${b.line}.ts`);
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    // `export {}` makes every block a module: its names stay its own, top-level await works.
    if (b.marker === 'fragment') writeFileSync(path, wrapFragment(b.code, context).text);
    else writeFileSync(path, b.file ? b.code : `${b.code}export {};\n`);
    files.set(rel, b);
  });
  const src = resolve(root, 'src');
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        extends: resolve(root, 'tsconfig.base.json'),
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          noEmit: true,
          // Docs show snippets, not libraries: unused names are fine there.
          noUnusedLocals: false,
          rootDir: resolve(root),
          paths: { 'kube-client': [`${src}/index.ts`], 'kube-client/*': [`${src}/*/index.ts`] },
        },
        include: ['**/*.ts'],
      },
      null,
      2,
    ),
  );
  return { tsconfig, files };
}
