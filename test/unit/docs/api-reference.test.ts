// The API reference (`npm run docs:api`, TypeDoc over every subpath export) stays complete: no type
// that a public signature uses is left unexported, no {@link} is broken, every exported item has a
// doc comment, and the number of members without one (properties and methods of interfaces, most
// of them mirroring Kubernetes API fields) never grows. Runs scripts/docs-api.mjs --check, which
// writes nothing.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

/** Members without a doc comment when this check was added; lower it as they get documented. */
const MAX_UNDOCUMENTED_MEMBERS = 798;

it('TypeDoc validation: no unexported types, no broken links, every exported item documented', async () => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
    const p = spawn(process.execPath, [resolve('scripts/docs-api.mjs'), '--check'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('close', (c) => done({ code: c, output }));
  });
  const summary = JSON.parse(output.trim().split('\n').pop() ?? '{}');
  expect({ ...summary, output: summary.ok ? '' : output }).toMatchObject({
    notExported: 0,
    invalidLink: 0,
    undocumented: 0,
    other: 0,
    ok: true,
    output: '',
  });
  expect(summary.undocumentedMembers).toBeLessThanOrEqual(MAX_UNDOCUMENTED_MEMBERS);
  expect(code).toBe(0);
}, 900_000);
