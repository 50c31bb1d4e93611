// README.md and docs/*.md cannot drift from the code: every TypeScript block is written into a
// project under .build/docs-blocks and type-checked by tsc (strict, NodeNext) against this checkout's
// sources (`kube-client/...` resolve through tsconfig paths). Blocks that are fragments on purpose
// carry the marker `<!-- docs-check: fragment -->` on the line before their fence (see
// test/support/docs-blocks.ts); their number is pinned below so that marking a block is a visible
// change. docs/controller.md's blocks are also run against the control plane by
// test/integration/docs-controller.test.ts.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsBlocks, docsPages, pageLine, SKIP_MARKER, writeDocsProject } from '../../support/docs-blocks.js';

/** How many blocks are marked today (update them with the markers, in the same commit). */
const FRAGMENTS = 22;
const SKIPPED = 4;

function tsc(project: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const p = spawn(
      process.execPath,
      [resolve('node_modules/typescript/bin/tsc'), '-p', project, '--pretty', 'false'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('close', (code) => done({ code, output }));
  });
}

describe('TypeScript blocks of README.md and docs/*.md', () => {
  const blocks = docsBlocks(docsPages());

  it(`finds the blocks: ${FRAGMENTS} marked as fragments, ${SKIPPED} with ${SKIP_MARKER}`, () => {
    expect(blocks.length).toBeGreaterThanOrEqual(30);
    expect(blocks.filter((b) => b.marker === 'fragment')).toHaveLength(FRAGMENTS);
    expect(blocks.filter((b) => b.marker === 'skip').map((b) => `${b.page}:${b.line}`)).toHaveLength(SKIPPED);
  });

  it('type-checks every block that is not marked as a fragment', async () => {
    const dir = resolve('.build/docs-blocks');
    const { tsconfig, files } = writeDocsProject(blocks, dir);
    const r = await tsc(tsconfig);
    // tsc reports `<file>(line,col): error ...`; name the page and its line instead.
    const errors = r.output
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(l);
        const block = m && files.get(resolve(m[1]!).slice(dir.length + 1));
        if (!m || !block) return l;
        return `${block.page}:${pageLine(block, Number(m[2]))}: ${m[4]}`;
      });
    expect(errors).toEqual([]);
    expect(r.code).toBe(0);
  }, 600_000);
});
