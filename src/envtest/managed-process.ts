// A child process of the control plane (etcd or kube-apiserver) whose output goes to a log file,
// with an early-exit watch, a readable log tail for errors, and graceful-then-forced stop.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A running etcd or kube-apiserver. */
export class ManagedProcess {
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<string>;
  private readonly child: ChildProcess;
  private hasExited = false;

  /**
   * Starts `bin args...` with stdout and stderr appended to `logFile`.
   *
   * @example
   * const etcd = new ManagedProcess('etcd', '/usr/bin/etcd', ['--data-dir', dir], '/tmp/etcd.log');
   */
  constructor(
    /** Short name for messages ("etcd", "kube-apiserver"). */
    readonly label: string,
    bin: string,
    args: string[],
    /** Where the process's output is written. */
    readonly logFile: string,
    /** Its environment (default: this process's). */
    env?: NodeJS.ProcessEnv,
  ) {
    const fd = openSync(logFile, 'a');
    try {
      this.child = spawn(bin, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.hasExited = true;
        resolve(signal ? `signal ${signal}` : `code ${code}`);
      });
      this.child.once('error', (err) => {
        this.hasExited = true;
        resolve(`error ${err.message}`);
      });
    });
  }

  /** Process id (undefined when the spawn failed). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the process runs. */
  get running(): boolean {
    return !this.hasExited;
  }

  /** The last `lines` lines of the process's log. */
  logTail(lines = 25): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Sends SIGTERM, waits up to `graceMs`, then SIGKILL (at once when 0); resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill(graceMs <= 0 ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process at once (synchronous; for exit handlers). */
  killNow(): void {
    if (!this.hasExited) this.child.kill('SIGKILL');
  }
}
