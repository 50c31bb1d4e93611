// The informer processes of one fault scenario (test/faults/fixtures/informer-child.mjs), one per
// client, all talking to the fault proxy. A group owns every process it forked from the moment of
// the fork, so `stopAll()` kills and reaps them whatever happened: a failed start, a failed
// injection or a failed comparison.
import { type ChildProcess, fork } from 'node:child_process';

/** The clients compared by the fault suite. */
export type ClientName = 'kube-client' | 'client-node';

/** What a child's informer holds: `[name, resourceVersion]` pairs and its count of watch errors. */
export interface Snapshot {
  items: Array<[string, string]>;
  errors: number;
}

/** One synced informer process. */
export interface Child {
  name: ClientName;
  pid: number;
  /** Asks for the informer's cache; rejects after 10 s or when the process has exited. */
  snapshot(): Promise<Snapshot>;
}

/** Where the children connect and how. */
export interface ChildSettings {
  /** Node binary for client-node (it needs Node >= 22); kube-client runs on this process's Node. */
  node24: string;
  /** The fault proxy's URL. */
  url: string;
  token: string;
  namespace: string;
  /** How long a child may take to sync (default 60 s). */
  syncMs?: number;
}

interface Running {
  name: ClientName;
  proc: ChildProcess;
  stderr: () => string;
}

/** The informer processes of one scenario. */
export class ChildGroup {
  private readonly running: Running[] = [];
  /** Process ids of every child this group forked (for checks that they are gone). */
  readonly pids: number[] = [];

  constructor(private readonly settings: ChildSettings) {}

  /** Forks `name`'s informer and resolves once it has synced; rejects with its stderr tail otherwise. */
  async start(name: ClientName): Promise<Child> {
    const s = this.settings;
    const proc = fork(
      new URL('./fixtures/informer-child.mjs', import.meta.url).pathname,
      [name, s.url, s.token, s.namespace],
      {
        execPath: name === 'client-node' ? s.node24 : process.execPath,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    let tail = '';
    proc.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-2000);
    });
    const entry = { name, proc, stderr: () => tail };
    this.running.push(entry);
    if (proc.pid !== undefined) this.pids.push(proc.pid);
    const syncMs = s.syncMs ?? 60_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not sync in ${syncMs / 1000} s: ${tail}`)), syncMs);
      proc.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${name} could not start: ${err.message}`));
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code ?? signal} before it synced: ${tail}`));
      });
    });
    return { name, pid: proc.pid ?? -1, snapshot: () => snapshotOf(entry) };
  }

  /** SIGKILLs every child still alive and waits until each has exited; returns what went wrong. */
  async stopAll(): Promise<string[]> {
    const problems: string[] = [];
    await Promise.all(
      this.running.splice(0).map(async ({ name, proc }) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 10_000);
          proc.once('exit', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        proc.kill('SIGKILL');
        if (!(await exited)) problems.push(`${name} (pid ${proc.pid}) did not exit within 10 s of SIGKILL`);
      }),
    );
    return problems;
  }
}

function snapshotOf({ name, proc, stderr }: Running): Promise<Snapshot> {
  if (proc.exitCode !== null || proc.signalCode !== null || !proc.connected) {
    return Promise.reject(new Error(`${name} has exited (${proc.exitCode ?? proc.signalCode}): ${stderr()}`));
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.off('message', onMessage);
      reject(new Error(`${name} did not answer a snapshot request in 10 s: ${stderr()}`));
    }, 10_000);
    const onMessage = (m: unknown) => {
      clearTimeout(timer);
      resolve(m as Snapshot);
    };
    proc.once('message', onMessage);
    proc.send({ cmd: 'snapshot' });
  });
}
