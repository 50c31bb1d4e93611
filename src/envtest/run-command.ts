// Runs one external command for provisioning, streaming its output lines to a progress log and
// failing with a ProvisioningError (with the last output lines) on a non-zero exit or a time-out.
import { spawn } from 'node:child_process';
import { ProvisioningError } from './errors.js';

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives each output line (already prefixed); omit to keep the command quiet. */
  log?: (line: string) => void;
  /** Kill the command after this many milliseconds (default 15 minutes). */
  timeoutMs?: number;
  /** What the command does, for messages ("building kube-apiserver"). */
  what: string;
}

/**
 * Runs `command args...` and resolves with its combined output; rejects with a ProvisioningError
 * that names what failed and shows the last 20 output lines.
 *
 * @example
 * await runCommand('apt-get', ['install', '-y', 'etcd-server'], { what: 'installing etcd', log: console.log });
 */
export function runCommand(command: string, args: string[], options: RunCommandOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let output = '';
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      partial += text;
      const parts = partial.split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > 200) lines.shift();
        options.log?.(`  | ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ENOENT' ? `"${command}" is not installed or not on PATH` : err.message;
      reject(new ProvisioningError(`${options.what} failed: ${why}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial.trim() !== '') lines.push(partial);
      if (code === 0) {
        resolve(output);
        return;
      }
      const how = signal
        ? `was killed (${signal}) after ${Math.round(timeoutMs / 1000)} s`
        : `exited with code ${code}`;
      const tail = lines.slice(-20).join('\n');
      reject(new ProvisioningError(`${options.what} failed: "${command} ${args.join(' ')}" ${how}\n${tail}`));
    });
  });
}

/**
 * Finds an executable on PATH (like `command -v`), or undefined.
 *
 * @example
 * await which('etcd'); // '/usr/bin/etcd'
 */
export async function which(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const { access, constants } = await import('node:fs/promises');
  const { delimiter, join } = await import('node:path');
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
