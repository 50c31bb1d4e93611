// Running a command line in tests: in-process with stdout/stderr captured, or as a Node process
// on the built package.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, vi } from 'vitest';

/** Captures stdout and stderr until `restore()`; the text so far is readable at any time. */
export function captureOutput() {
  const io = { stdout: '', stderr: '' };
  const writer = (key: 'stdout' | 'stderr') =>
    ((chunk: unknown) => {
      io[key] += String(chunk);
      return true;
    }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(writer('stdout'));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(writer('stderr'));
  return {
    io,
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

/** Runs a CLI entry function in-process; its exit code and what it wrote. */
export async function runCaptured(
  entry: () => Promise<number>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, restore } = captureOutput();
  try {
    const code = await entry();
    return { code, ...io };
  } finally {
    restore();
  }
}

const exec = promisify(execFile);

/** Runs `script` with this Node; its exit code and output, whether it succeeds or not. */
export async function runNode(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [script, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Fails with a clear message unless the build output `file` exists (npm test builds first). */
export function expectBuilt(file: string): void {
  expect(existsSync(file), 'run "npm run build" first (npm test does)').toBe(true);
}
