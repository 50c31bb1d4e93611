// The library writes through its Logger only: no direct stderr/stdout/console write in src/
// outside the few files allowed below. Comments (doc examples) do not count.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Files that may write directly, and why. */
const ALLOWED: Record<string, string> = {
  // The default and JSON loggers: the one place where the library's messages meet stderr.
  'src/util/log/stderr-logger.ts': 'the default logger',
  // The `kube-client` command's own user interface (usage, the kubeconfig path, shutdown notes):
  // output a command prints to its user, not messages of the library.
  'src/cli/main.ts': 'the kube-client CLI',
  // The `kube-client-gen` command's usage, progress and error output.
  'src/codegen/cli.ts': 'the kube-client-gen CLI',
};

const DIRECT = /\b(?:process\.(?:stderr|stdout)\.write|console\.(?:log|error|warn|info|debug|trace))\s*\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return p === join('src', 'generated') ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The code of a file without its comments (line and block; strings are left as they are). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** `file:line: code` of every direct write in `text`. */
function directWrites(file: string, text: string): string[] {
  return withoutComments(text)
    .split('\n')
    .flatMap((line, i) => (DIRECT.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('no direct output outside the logger', () => {
  it('finds none in src/ outside the allowed files', () => {
    const found = sourceFiles('src')
      .map((f) => f.split('\\').join('/'))
      .filter((f) => !(f in ALLOWED))
      .flatMap((f) => directWrites(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the allowed files exist (a stale entry would hide nothing)', () => {
    for (const f of Object.keys(ALLOWED)) expect(readFileSync(f, 'utf8').length).toBeGreaterThan(0);
  });

  it('the check sees a write in code and ignores one in a comment', () => {
    expect(directWrites('x.ts', "const a = 1;\n  process.stderr.write('x\\n');")).toEqual([
      "x.ts:2: process.stderr.write('x\\n');",
    ]);
    expect(directWrites('x.ts', 'console.error(err);')).toHaveLength(1);
    expect(
      directWrites('x.ts', '/**\n * console.log(x);\n */\n// process.stdout.write(y)\n/* console.warn(z) */'),
    ).toEqual([]);
  });
});
